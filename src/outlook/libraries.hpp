#pragma once

// libpff (the PSTs and OSTs our reader does not read, --recover-deleted),
// libolecf (.msg) and libbfio (their I/O handles), loaded when first needed
// (dlopen, core/shared_library.hpp), not at every start: linked, the three
// were a fifth of the process start (2.2 ms of an empty program linked with
// the program's libraries). Call them through pff(), olecf() and bfio();
// each throws std::system_error (the file is then recorded as unreadable,
// with the reason) when its library cannot be loaded.

#include "core/shared_library.hpp"

#include <libbfio.h>
#include <libolecf.h>
#include <libpff.h>

namespace ccaudit::outlook {

#define CCAUDIT_LIBPFF_FUNCTIONS(X)                                            \
  X(libpff_attachment_data_read_buffer)                                        \
  X(libpff_attachment_data_seek_offset)                                        \
  X(libpff_attachment_get_data_size)                                           \
  X(libpff_attachment_get_item)                                                \
  X(libpff_attachment_get_type)                                                \
  X(libpff_error_free)                                                         \
  X(libpff_error_sprint)                                                       \
  X(libpff_file_close)                                                         \
  X(libpff_file_free)                                                          \
  X(libpff_file_get_content_type)                                              \
  X(libpff_file_get_message_store)                                             \
  X(libpff_file_get_number_of_orphan_items)                                    \
  X(libpff_file_get_number_of_recovered_items)                                 \
  X(libpff_file_get_orphan_item_by_index)                                      \
  X(libpff_file_get_recovered_item_by_index)                                   \
  X(libpff_file_get_root_folder)                                               \
  X(libpff_file_get_type)                                                      \
  X(libpff_file_initialize)                                                    \
  X(libpff_file_is_corrupted)                                                  \
  X(libpff_file_open_file_io_handle)                                           \
  X(libpff_file_recover_items)                                                 \
  X(libpff_folder_get_number_of_sub_folders)                                   \
  X(libpff_folder_get_number_of_sub_messages)                                  \
  X(libpff_folder_get_sub_folder)                                              \
  X(libpff_folder_get_sub_message)                                             \
  X(libpff_folder_get_utf8_name)                                               \
  X(libpff_folder_get_utf8_name_size)                                          \
  X(libpff_item_free)                                                          \
  X(libpff_item_get_identifier)                                                \
  X(libpff_item_get_number_of_record_sets)                                     \
  X(libpff_item_get_record_set_by_index)                                       \
  X(libpff_item_get_type)                                                      \
  X(libpff_message_get_attachment)                                             \
  X(libpff_message_get_number_of_attachments)                                  \
  X(libpff_message_get_recipients)                                             \
  X(libpff_record_entry_free)                                                  \
  X(libpff_record_entry_get_data)                                              \
  X(libpff_record_entry_get_data_as_32bit_integer)                             \
  X(libpff_record_entry_get_data_as_filetime)                                  \
  X(libpff_record_entry_get_data_size)                                         \
  X(libpff_record_entry_get_value_type)                                        \
  X(libpff_record_set_free)                                                    \
  X(libpff_record_set_get_entry_by_type)

#define CCAUDIT_LIBOLECF_FUNCTIONS(X)                                          \
  X(libolecf_error_free)                                                       \
  X(libolecf_error_sprint)                                                     \
  X(libolecf_file_close)                                                       \
  X(libolecf_file_free)                                                        \
  X(libolecf_file_get_root_item)                                               \
  X(libolecf_file_initialize)                                                  \
  X(libolecf_file_open_file_io_handle)                                         \
  X(libolecf_item_free)                                                        \
  X(libolecf_item_get_number_of_sub_items)                                     \
  X(libolecf_item_get_size)                                                    \
  X(libolecf_item_get_sub_item)                                                \
  X(libolecf_item_get_sub_item_by_utf8_name)                                   \
  X(libolecf_item_get_utf8_name)                                               \
  X(libolecf_item_get_utf8_name_size)                                          \
  X(libolecf_stream_read_buffer_at_offset)

#define CCAUDIT_LIBBFIO_FUNCTIONS(X)                                           \
  X(libbfio_handle_free)                                                       \
  X(libbfio_handle_initialize)

struct Libpff
{
  CCAUDIT_LIBPFF_FUNCTIONS(CCAUDIT_DECLARE_FUNCTION)
};

struct Libolecf
{
  CCAUDIT_LIBOLECF_FUNCTIONS(CCAUDIT_DECLARE_FUNCTION)
};

struct Libbfio
{
  CCAUDIT_LIBBFIO_FUNCTIONS(CCAUDIT_DECLARE_FUNCTION)
};

const Libpff& pff();
const Libolecf& olecf();
const Libbfio& bfio();

} // namespace ccaudit::outlook
