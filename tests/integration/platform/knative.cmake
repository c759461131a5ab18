# The `knative` Platform adapter: replayed Kubernetes/Knative answers from FakeKubeServer (fast), and end to end
# against an embedded local platform daemon reached through its kubeconfig (deploy, scale, cold start, traces, eventing).
faaswb_add_qtest(tst_knative_fixtures LABEL integration SOURCES tst_knative_fixtures.cpp LIBS faaswb_fake_kube TIMEOUT 60)
faaswb_add_qtest(tst_knative_adapter LABEL integration SOURCES tst_knative_adapter.cpp TIMEOUT 120)
