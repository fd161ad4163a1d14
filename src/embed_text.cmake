# Writes ${OUTPUT}: the files *.<kind> of ${DIR}, for each kind in ${KINDS}
# (comma-separated), as C++ strings named after the files, in namespace
# ${NAMESPACE}::<kind>; ${HEADER} declares them. So the binary needs no data
# files, and the SQL kept as files (reports/, the store's schema) is the SQL
# that runs.
string(REPLACE "," ";" _kinds "${KINDS}")
set(_out "// Generated from ${DIR} by src/embed_text.cmake. Do not edit.\n")
string(APPEND _out "#include \"${HEADER}\"\n")
foreach(_kind IN LISTS _kinds)
  file(GLOB _files "${DIR}/*.${_kind}")
  list(SORT _files)
  string(APPEND _out "namespace ${NAMESPACE}::${_kind} {\n")
  foreach(_f IN LISTS _files)
    get_filename_component(_name "${_f}" NAME_WE)
    file(READ "${_f}" _text)
    string(APPEND _out "const char* const ${_name} = R\"ccaudit_text(${_text})ccaudit_text\";\n")
  endforeach()
  string(APPEND _out "}\n")
endforeach()
file(WRITE "${OUTPUT}.tmp" "${_out}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
