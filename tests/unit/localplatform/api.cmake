# The control API component: object store, revision template validation, the Kubernetes-shaped REST handler.
faaswb_add_qtest(tst_object_store LABEL unit SOURCES tst_object_store.cpp)
faaswb_add_qtest(tst_revision_template LABEL unit SOURCES tst_revision_template.cpp)
faaswb_add_qtest(tst_control_api LABEL unit SOURCES tst_control_api.cpp)
