#include "core/issue.hpp"

namespace ccaudit {

std::string_view
to_string(IssueKind kind)
{
  switch (kind) {
  case IssueKind::unreadable_input: return "unreadable_input";
  case IssueKind::internal_error: return "internal_error";
  case IssueKind::not_mail: return "not_mail";
  case IssueKind::not_regular_file: return "not_regular_file";
  case IssueKind::symlink_not_followed: return "symlink_not_followed";
  case IssueKind::maildir_tmp_skipped: return "maildir_tmp_skipped";
  case IssueKind::text_before_first_separator:
    return "text_before_first_separator";
  case IssueKind::nonstandard_mbox_separator:
    return "nonstandard_mbox_separator";
  case IssueKind::missing_blank_line_before_separator:
    return "missing_blank_line_before_separator";
  case IssueKind::content_length_mismatch: return "content_length_mismatch";
  case IssueKind::truncated_message: return "truncated_message";
  case IssueKind::missing_header_separator: return "missing_header_separator";
  case IssueKind::nul_in_header: return "nul_in_header";
  case IssueKind::malformed_header_line: return "malformed_header_line";
  case IssueKind::header_too_large: return "header_too_large";
  case IssueKind::invalid_utf8_in_header: return "invalid_utf8_in_header";
  case IssueKind::semicolon_address_separator:
    return "semicolon_address_separator";
  case IssueKind::address_unparsable: return "address_unparsable";
  case IssueKind::address_without_domain: return "address_without_domain";
  case IssueKind::invalid_idn_domain: return "invalid_idn_domain";
  case IssueKind::addresses_dropped: return "addresses_dropped";
  case IssueKind::ambiguous_separator: return "ambiguous_separator";
  case IssueKind::lenient_address_recovery: return "lenient_address_recovery";
  case IssueKind::compressed_not_scanned: return "compressed_not_scanned";
  case IssueKind::header_line_too_long: return "header_line_too_long";
  case IssueKind::bare_cr_in_header: return "bare_cr_in_header";
  case IssueKind::repeated_address_field: return "repeated_address_field";
  case IssueKind::excluded_by_configuration: return "excluded_by_configuration";
  case IssueKind::content_limit: return "content_limit";
  case IssueKind::content_unreadable: return "content_unreadable";
  case IssueKind::unknown_charset: return "unknown_charset";
  case IssueKind::nesting_too_deep: return "nesting_too_deep";
  case IssueKind::blank_lines_before_header: return "blank_lines_before_header";
  case IssueKind::expansion_limit: return "expansion_limit";
  case IssueKind::no_message_found: return "no_message_found";
  case IssueKind::outlook_damaged: return "outlook_damaged";
  case IssueKind::outlook_item_unreadable: return "outlook_item_unreadable";
  case IssueKind::exchange_address: return "exchange_address";
  case IssueKind::recipients_disagree: return "recipients_disagree";
  case IssueKind::outlook_password: return "outlook_password";
  case IssueKind::outlook_recovery: return "outlook_recovery";
  }
  return "unknown";
}

bool
means_not_scanned(IssueKind kind)
{
  return kind == IssueKind::unreadable_input
         || kind == IssueKind::internal_error
         || kind == IssueKind::compressed_not_scanned
         || kind == IssueKind::expansion_limit
         || kind == IssueKind::no_message_found
         || kind == IssueKind::outlook_damaged
         || kind == IssueKind::outlook_item_unreadable;
}

std::vector<IssueKind>
all_issue_kinds()
{
  // The kinds are numbered from 0 without gaps; to_string() names each.
  std::vector<IssueKind> out;
  for (int i = 0; to_string(static_cast<IssueKind>(i)) != "unknown"; ++i) {
    out.push_back(static_cast<IssueKind>(i));
  }
  return out;
}

} // namespace ccaudit
