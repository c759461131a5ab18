# First run: the start page (examples, quickstart, recent files, connect a cluster) and the settings (AppSettings
# round trip, the dialog, theme and live refresh applied to the running window); screenshots for docs/screenshots.
faaswb_add_qtest(tst_start_page LABEL ui SOURCES tst_start_page.cpp LIBS faaswb_ui faaswb_uitestsupport TIMEOUT 60)
faaswb_add_qtest(tst_settings LABEL ui SOURCES tst_settings.cpp LIBS faaswb_ui faaswb_uitestsupport TIMEOUT 60)
