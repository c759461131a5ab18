# A real kubectl against the control API (skips without kubectl).
faaswb_add_qtest(tst_kubectl LABEL integration SOURCES tst_kubectl.cpp TIMEOUT 120)
