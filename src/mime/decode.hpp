#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ccaudit::mime {

// A part's content as sent: base64 and quoted-printable decoded (leniently:
// characters outside the alphabet are skipped, as mail clients do), any
// other encoding (7bit, 8bit, binary, unknown) taken as is. At most `limit`
// bytes come out; `truncated` tells whether there were more.
std::string decode_transfer(std::string_view data, std::string_view encoding,
                            std::size_t limit, bool& truncated);


} // namespace ccaudit::mime
