# The gateway against in-test upstreams and faaswb-target processes on loopback.
faaswb_add_qtest(tst_gateway LABEL integration SOURCES tst_gateway.cpp TIMEOUT 120)
add_dependencies(tst_gateway faaswb-target)
