#pragma once

// GMime, and the GLib functions used with it, loaded at first use (dlopen,
// core/shared_library.hpp) rather than at every start: with GLib, GIO,
// gpgme and what they pull in, it was a fifth of the process start (2 ms of
// an empty program linked with the program's libraries), and a rescan of an
// unchanged store reads no header. Used by headers/ and mime/decode.cpp
// only.

#include "core/shared_library.hpp"

#include <gmime/gmime.h>

namespace ccaudit::headers {

#define CCAUDIT_GMIME_FUNCTIONS(X) \
  X(g_base64_decode_step) \
  X(g_date_time_to_unix) \
  X(g_date_time_unref) \
  X(g_free) \
  X(g_mime_content_disposition_get_disposition) \
  X(g_mime_content_disposition_get_parameter) \
  X(g_mime_content_disposition_parse) \
  X(g_mime_content_type_get_media_subtype) \
  X(g_mime_content_type_get_media_type) \
  X(g_mime_content_type_get_parameter) \
  X(g_mime_content_type_parse) \
  X(g_mime_encoding_quoted_decode_step) \
  X(g_mime_init) \
  X(g_mime_references_free) \
  X(g_mime_references_get_message_id) \
  X(g_mime_references_length) \
  X(g_mime_references_parse) \
  X(g_mime_utils_decode_message_id) \
  X(g_mime_utils_header_decode_date) \
  X(g_mime_utils_header_decode_phrase) \
  X(g_mime_utils_header_decode_text) \
  X(g_object_unref) \
  X(g_type_check_instance_is_a) \
  X(internet_address_get_name) \
  X(internet_address_group_get_members) \
  X(internet_address_group_get_type) \
  X(internet_address_list_get_address) \
  X(internet_address_list_length) \
  X(internet_address_list_parse) \
  X(internet_address_mailbox_get_addr)

struct Gmime
{
  CCAUDIT_GMIME_FUNCTIONS(CCAUDIT_DECLARE_FUNCTION)
};

// The functions; throws FatalError when GMime cannot be loaded (no message
// can be read without it). Call detail::init_gmime() (gmime_init.hpp)
// before parsing anything.
const Gmime& gmime();

} // namespace ccaudit::headers
