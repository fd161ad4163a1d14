# Writes ${OUTPUT}: the report definitions in reports/*.sql as C++ strings, so
# the binary needs no data files and the SQL users run stays the SQL we run.
file(GLOB _files "${REPORTS_DIR}/*.sql")
list(SORT _files)
set(_out "// Generated from reports/*.sql by src/report/embed_sql.cmake. Do not edit.\n")
string(APPEND _out "#include \"report/report_sql.hpp\"\nnamespace ccaudit::report::sql {\n")
foreach(_f IN LISTS _files)
  get_filename_component(_name "${_f}" NAME_WE)
  file(READ "${_f}" _sql)
  string(APPEND _out "const char* const ${_name} = R\"ccaudit_sql(${_sql})ccaudit_sql\";\n")
endforeach()
string(APPEND _out "}\n")
file(WRITE "${OUTPUT}.tmp" "${_out}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
