# Knative Eventing (Broker/Trigger/SinkBinding) and cluster environment discovery, against the local platform daemon
# and FakeKubeServer.
faaswb_add_qtest(tst_knative_eventing LABEL integration SOURCES tst_knative_eventing.cpp LIBS faaswb_fake_kube TIMEOUT 60)
faaswb_add_qtest(tst_knative_environment LABEL integration SOURCES tst_knative_environment.cpp LIBS faaswb_fake_kube
                 TIMEOUT 60)
