# Trace sources (core/platform/trace_source.h): the Zipkin v2 query client against a fake Zipkin in the test, and the
# OTLP/Zipkin span receiver. Both serve on ephemeral loopback ports inside the test process.
faaswb_add_qtest(tst_zipkin_source LABEL integration SOURCES tst_zipkin_source.cpp TIMEOUT 60)
faaswb_add_qtest(tst_otlp_receiver LABEL integration SOURCES tst_otlp_receiver.cpp LIBS CURL::libcurl TIMEOUT 60)
