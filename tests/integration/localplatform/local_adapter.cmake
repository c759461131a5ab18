# The `local` Platform adapter against an embedded daemon: deploy, scale watch, pod metrics, traces, cold start.
faaswb_add_qtest(tst_local_adapter LABEL integration SOURCES tst_local_adapter.cpp TIMEOUT 240)
