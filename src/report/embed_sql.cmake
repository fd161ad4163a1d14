# Writes ${OUTPUT}: the report definitions in reports/ (*.sql queries, *.html
# templates) as C++ strings, so the binary needs no data files and the SQL
# users run stays the SQL we run.
set(_out "// Generated from reports/ by src/report/embed_sql.cmake. Do not edit.\n")
string(APPEND _out "#include \"report/report_sql.hpp\"\n")
foreach(_kind sql html)
  file(GLOB _files "${REPORTS_DIR}/*.${_kind}")
  list(SORT _files)
  string(APPEND _out "namespace ccaudit::report::${_kind} {\n")
  foreach(_f IN LISTS _files)
    get_filename_component(_name "${_f}" NAME_WE)
    file(READ "${_f}" _text)
    string(APPEND _out "const char* const ${_name} = R\"ccaudit_report(${_text})ccaudit_report\";\n")
  endforeach()
  string(APPEND _out "}\n")
endforeach()
file(WRITE "${OUTPUT}.tmp" "${_out}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
