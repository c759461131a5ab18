# The http platform's authentication and secret redaction (issue 6).

faaswb_add_qtest(tst_redact LABEL unit SOURCES tst_redact.cpp TIMEOUT 30)
faaswb_add_qtest(tst_http_auth LABEL integration SOURCES tst_http_auth.cpp recording_server.h
    LIBS OpenSSL::Crypto TIMEOUT 30)
faaswb_add_qtest(tst_secrets LABEL integration SOURCES tst_secrets.cpp recording_server.h
    LIBS SQLite::SQLite3 faaswb_fake_openwhisk TIMEOUT 90)
