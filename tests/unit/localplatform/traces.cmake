# Trace context, Zipkin/OTLP JSON, the span store, the Prometheus text format and the local platform config keys.
faaswb_add_qtest(tst_trace_context LABEL unit SOURCES tst_trace_context.cpp)
faaswb_add_qtest(tst_zipkin_json LABEL unit SOURCES tst_zipkin_json.cpp)
faaswb_add_qtest(tst_span_store LABEL unit SOURCES tst_span_store.cpp)
faaswb_add_qtest(tst_prometheus_text LABEL unit SOURCES tst_prometheus_text.cpp)
faaswb_add_qtest(tst_local_platform_config LABEL unit SOURCES tst_local_platform_config.cpp)
