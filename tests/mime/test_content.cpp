// The MIME walk: which parts come out, numbered how, decoded how, and what
// happens at every bound.
#include "core/text.hpp"
#include "mime/content.hpp"
#include "mime/decode.hpp"

#include "support/issues.hpp"

#include <catch2/catch.hpp>

using namespace ccaudit;
using namespace ccaudit::mime;
using ccaudit::test::has_issue;

namespace {

const std::string k_header = "From: a@example.org\nMIME-Version: 1.0\n"
                             "Content-Type: multipart/mixed; boundary=\"B\"\n\n";

std::string
paths(const MessageContent& c)
{
  std::string out;
  for (const auto& p : c.parts) {
    out += (out.empty() ? "" : " ") + p.path + ":" + p.type;
  }
  for (const auto& m : c.messages) {
    out += " msg:" + m.path;
  }
  return out;
}

} // namespace

TEST_CASE("content: parts are numbered as IMAP numbers them, and only text parts are kept", "[mime]")
{
  const std::string body =
    "preamble\n--B\nContent-Type: text/plain\n\none\n"
    "--B\nContent-Type: multipart/alternative; boundary=\"C\"\n\n"
    "--C\nContent-Type: text/plain\n\ntwo\n--C\nContent-Type: text/html\n\n<p>three</p>\n--C--\n"
    "--B\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n"
    "--B\nContent-Type: message/rfc822\n\nFrom: b@example.org\nTo: c@example.org\n\nfour\n"
    "--B--\nepilogue\n";
  const auto c = read_content(k_header, body);
  CHECK(c.issues.empty());
  CHECK(paths(c.value) == "1:text/plain 2.1:text/plain 2.2:text/html 4.1:text/plain msg:4");
  REQUIRE(c.value.parts.size() == 4);
  CHECK(c.value.parts[0].text == "one");
  CHECK(c.value.parts[3].text == "four");
  REQUIRE(c.value.messages.size() == 1);
  CHECK(c.value.messages[0].header.find("To: c@example.org") != std::string::npos);
}

TEST_CASE("content: a one-part message is part 1, decoded by its own header's encoding", "[mime]")
{
  const auto c = read_content("Content-Type: text/plain; charset=ISO-8859-1\n"
                              "Content-Transfer-Encoding: quoted-printable\n\n",
                              "caf=E9 a@example.org=\n b@example.org\n");
  REQUIRE(c.value.parts.size() == 1);
  CHECK(c.value.parts[0].path == "1");
  CHECK(c.value.parts[0].text == "caf\xc3\xa9 a@example.org b@example.org\n");
  // No Content-Type at all: text/plain (RFC 2045).
  const auto bare = read_content("From: a@example.org\n\n", "hello\n");
  REQUIRE(bare.value.parts.size() == 1);
  CHECK(bare.value.parts[0].type == "text/plain");
}

TEST_CASE("content: attachments are kept by file name, RFC 2231 names decoded", "[mime]")
{
  const std::string body =
    "--B\nContent-Type: application/octet-stream\n"
    "Content-Disposition: attachment; filename*0*=UTF-8''Kunden%C3%BC; filename*1=\".csv\"\n"
    "Content-Transfer-Encoding: base64\n\nYUBleGFtcGxlLm9yZw==\n"
    "--B\nContent-Type: application/pdf; name=\"report.pdf\"\n\n%PDF-1.4\n"
    "--B\nContent-Type: application/octet-stream; name=\"old.eml\"\n\n"
    "From: x@example.org\nTo: y@example.org\n\nbody\n"
    "--B--\n";
  const auto c = read_content(k_header, body);
  REQUIRE(c.value.parts.size() == 2);
  CHECK(c.value.parts[0].filename == "Kunden\xc3\xbc.csv");
  CHECK(c.value.parts[0].text == "a@example.org");
  // The .eml is a message in the message; its body is its part 3.1.
  CHECK(c.value.parts[1].path == "3.1");
  REQUIRE(c.value.messages.size() == 1);
  CHECK(c.value.messages[0].filename == "old.eml");
  CHECK(c.value.messages[0].header.find("To: y@example.org") != std::string::npos);
}

TEST_CASE("content: base64 with '|' and other garbage decodes what the alphabet holds", "[mime]")
{
  bool truncated = true;
  // "ABCD" is QUJDRA==; mimetic's decoder turns "QUJD|RA==" into other bytes.
  CHECK(decode_transfer("QUJD|RA==", "base64", 100, truncated) == "ABCD");
  CHECK_FALSE(truncated);
  CHECK(decode_transfer("QU*J\nD R\tA=\r\n=", "BASE64", 100, truncated) == "ABCD");
  CHECK(decode_transfer("QUJDRA==", "base64", 2, truncated) == "AB");
  CHECK(truncated);
  CHECK(decode_transfer("a=3Db=\n c", "quoted-printable", 100, truncated) == "a=b c");
  CHECK(decode_transfer("as is", "8bit", 100, truncated) == "as is");
}

TEST_CASE("content: charsets become UTF-8, an unknown one is reported", "[mime]")
{
  bool unknown = true;
  CHECK(text::to_utf8("\xe9t\xe9", "iso-8859-1", unknown) == "\xc3\xa9t\xc3\xa9");
  CHECK_FALSE(unknown);
  CHECK(text::to_utf8("\x80", "windows-1252", unknown) == "\xe2\x82\xac");
  CHECK(text::to_utf8("ok \xff", "x-nonsense", unknown) == "ok \xef\xbf\xbd");
  CHECK(unknown);
}

TEST_CASE("content: nesting past the bound is reported, not followed", "[mime]")
{
  std::string inner = "Content-Type: text/plain\n\nbottom a@example.org\n";
  for (int level = 12; level > 0; --level) {
    const auto b = "L" + std::to_string(level);
    inner = "Content-Type: multipart/mixed; boundary=\"" + b + "\"\n\n--" + b + "\n" + inner
            + "\n--" + b + "--\n";
  }
  const auto split = inner.find("\n\n");
  const auto header = inner.substr(0, split + 2);
  const auto body = inner.substr(split + 2);
  ContentLimits limits;
  limits.max_depth = 8;
  const auto shallow = read_content(header, body, limits);
  CHECK(shallow.value.parts.empty());
  CHECK(has_issue(shallow.issues, IssueKind::content_limit));
  limits.max_depth = 16;
  const auto deep = read_content(header, body, limits);
  REQUIRE(deep.value.parts.size() == 1);
  CHECK(deep.value.parts[0].path == "1.1.1.1.1.1.1.1.1.1.1.1");
  CHECK(deep.issues.empty());
}

TEST_CASE("content: a part over the size bound is cut and reported, the message goes on", "[mime]")
{
  const std::string big(3000, 'x');
  const std::string body = "--B\nContent-Type: text/plain\n\n" + big + "\n--B\n"
                           "Content-Type: text/plain\n\nsmall\n--B--\n";
  ContentLimits limits;
  limits.max_part_bytes = 1000;
  const auto c = read_content(k_header, body, limits);
  REQUIRE(c.value.parts.size() == 2);
  CHECK(c.value.parts[0].text.size() == 1000);
  CHECK(c.value.parts[1].text == "small");
  CHECK(has_issue(c.issues, IssueKind::content_limit));
  // The message bound: what is left after the first part.
  limits.max_message_bytes = 1000;
  const auto m = read_content(k_header, body, limits);
  REQUIRE(m.value.parts.size() == 1);
  CHECK(has_issue(m.issues, IssueKind::content_limit));
}

TEST_CASE("content: a huge part header line is refused before mimetic reads it", "[mime]")
{
  // mimetic grows header buffers 128 bytes at a time: quadratic.
  const std::string body = "--B\nContent-Type: text/plain\nX-Long: " + std::string(300 * 1024, 'a')
                           + "\n\nhello\n--B--\n";
  const auto c = read_content(k_header, body);
  CHECK(c.value.parts.empty());
  CHECK(has_issue(c.issues, IssueKind::content_unreadable));
  // The same length in a body line is fine.
  const std::string long_body = "--B\nContent-Type: text/plain\n\n" + std::string(300 * 1024, 'a')
                                + "\n--B--\n";
  const auto ok = read_content(k_header, long_body);
  REQUIRE(ok.value.parts.size() == 1);
  CHECK(ok.issues.empty());
}

TEST_CASE("content: a forwarded message's header survives a malformed line", "[mime]")
{
  const std::string body = "--B\nContent-Type: message/rfc822\n\n"
                           "From: a@example.org\nTo: b@example.org\nthis line has no colon\n"
                           "Cc: c@example.org\nSubject: s\n\nbody text\n--B--\n";
  const auto c = read_content(k_header, body);
  REQUIRE(c.value.messages.size() == 1);
  CHECK(c.value.messages[0].header.find("Cc: c@example.org") != std::string::npos);
  REQUIRE(c.value.parts.size() == 1);
  CHECK(c.value.parts[0].text == "body text");
}

TEST_CASE("content: broken structure never throws", "[mime]")
{
  for (const std::string& body : {
         std::string(""), std::string("--B"), std::string("--B\n"), std::string("--B--"),
         std::string("--B\nContent-Type: multipart/mixed; boundary=\"B\"\n\n--B\n--B--\n"),
         std::string("--B\nContent-Type: message/rfc822\n\n"),
         std::string("\0\0--B\n\0\n", 9), std::string("--B\nContent-Transfer-Encoding: base64\n\n====\n")}) {
    CHECK_NOTHROW(read_content(k_header, body));
  }
}

TEST_CASE("content: a message nested past what mimetic's recursion survives is refused", "[mime]")
{
  // 100,000 levels overflowed the stack inside mimetic: the count of
  // multipart and message Content-Types decides before it is called.
  const int n = 6000;
  std::string body;
  for (int level = 0; level < n; ++level) {
    body += "--L" + std::to_string(level) + "\nContent-Type: multipart/mixed; boundary=\"L"
            + std::to_string(level + 1) + "\"\n\n";
  }
  body += "--L" + std::to_string(n) + "\nContent-Type: text/plain\n\nbottom\n";
  const auto c = read_content("Content-Type: multipart/mixed; boundary=\"L0\"\n\n", body);
  CHECK(c.value.parts.empty());
  REQUIRE(c.issues.size() == 1);
  CHECK(c.issues[0].kind == IssueKind::content_unreadable);
  CHECK(c.issues[0].detail.find("6000 multipart or message parts") != std::string::npos);
}

// Regressions from a review of the walk: each case once gave a wrong count,
// a crash or unbounded cost.

namespace {

const std::string k_30 = [] {
  std::string s;
  for (int i = 0; i < 30; ++i) {
    s += (i ? ", " : "") + std::string("t") + std::to_string(i) + "@example.com";
  }
  return s;
}();

std::size_t
messages_with_cc(const MessageContent& c)
{
  std::size_t n = 0;
  for (const auto& m : c.messages) {
    n += m.header.find("Cc: c0@example.com") != std::string::npos ? 1 : 0;
  }
  return n;
}

} // namespace

TEST_CASE("content: a one-part message named only in Content-Disposition is read by its name", "[mime]")
{
  const auto c = read_content("Content-Type: application/octet-stream\n"
                              "Content-Disposition: attachment; filename=\"list.csv\"\n\n",
                              k_30 + "\n");
  REQUIRE(c.value.parts.size() == 1);
  CHECK(c.value.parts[0].filename == "list.csv");
}

TEST_CASE("content: a forward's header cut by a malformed line keeps its Cc, multipart or not", "[mime]")
{
  const std::string fwd = "--B\nContent-Type: message/rfc822\n\nFrom: a@example.org\nTo: b@example.org\n"
                          "Content-Type: multipart/alternative; boundary=\"in\"\n"
                          "this line has no colon\nCc: c0@example.com, c1@example.com\n\n"
                          "--in\nContent-Type: text/plain\n\nhi\n--in--\n--B--\n";
  const auto c = read_content(k_header, fwd);
  CHECK(messages_with_cc(c.value) == 1);
}

TEST_CASE("content: a message/rfc822 inside a message/rfc822 is part 1.1, its body 1.1.1", "[mime]")
{
  const std::string body = "--B\nContent-Type: message/rfc822\n\nFrom: a@example.org\n"
                           "To: b@example.org\nContent-Type: message/rfc822\n\nFrom: x@example.org\n"
                           "To: y@example.org\nContent-Type: text/csv\n\nz@example.com\n--B--\n";
  const auto c = read_content(k_header, body);
  CHECK(paths(c.value) == "1.1.1:text/csv msg:1 msg:1.1");
}

TEST_CASE("content: an encoded message/rfc822 is decoded before it is read", "[mime]")
{
  const std::string inner = "From: a@example.org\nTo: b@example.org\nCc: c0@example.com\n\nhi\n";
  // base64 of `inner`
  const std::string encoded =
    "RnJvbTogYUBleGFtcGxlLm9yZwpUbzogYkBleGFtcGxlLm9yZwpDYzogYzBAZXhhbXBsZS5jb20KCmhpCg==";
  const auto c = read_content(k_header, "--B\nContent-Type: message/rfc822\n"
                                        "Content-Transfer-Encoding: base64\n\n" + encoded + "\n--B--\n");
  CHECK(messages_with_cc(c.value) == 1);
  CHECK(paths(c.value) == "1.1:text/plain msg:1");
}

TEST_CASE("content: the parts of multipart/digest without a Content-Type are messages", "[mime]")
{
  const std::string body = "--D\n\nFrom: a@example.org\nTo: b@example.org\nCc: c0@example.com\n\none\n"
                           "--D\nFrom: a@example.org\nCc: c0@example.com\n\ntwo\n--D--\n";
  const auto c = read_content("Content-Type: multipart/digest; boundary=\"D\"\n\n", body);
  CHECK(messages_with_cc(c.value) >= 1);
  CHECK(c.value.messages.size() == 2);
}

TEST_CASE("content: a signature line and a long line after it do not hide the parts", "[mime]")
{
  const std::string body = "--B\nContent-Type: text/plain\n\nthanks\n-- \n" + std::string(300 * 1024, 'w')
                           + " sent: from my phone\n--B\nContent-Type: text/csv\n\nz@example.com\n--B--\n";
  const auto c = read_content(k_header, body);
  CHECK(c.issues.empty());
  CHECK(c.value.parts.size() == 2);
}

TEST_CASE("content: bare CRs, blanks before the colon and folds cannot slip past the guards", "[mime]")
{
  // Bare CR line ends and "Content-Type :" once hid 100,000 levels of nesting
  // from the count (a stack overflow in mimetic).
  for (const std::string nl : {"\r", "\n"}) {
    std::string body;
    for (int level = 0; level < 6000; ++level) {
      body += "--L" + std::to_string(level) + nl + "Content-Type : multipart/mixed; boundary=L"
              + std::to_string(level + 1) + nl + nl;
    }
    const auto c = read_content("Content-Type: multipart/mixed; boundary=L0\n\n", body);
    REQUIRE(c.issues.size() == 1);
    CHECK(c.issues[0].kind == IssueKind::content_unreadable);
  }
  // A part header field folded over many short lines (quadratic in mimetic).
  std::string fold = "--B\nContent-Type: text/plain\nX-Long: a\n";
  for (int i = 0; i < 400; ++i) {
    fold += " " + std::string(98, 'y') + "\n";
  }
  const auto folded = read_content(k_header, fold + "\nhi\n--B--\n");
  REQUIRE(folded.issues.size() == 1);
  CHECK(folded.issues[0].detail.starts_with("a part header field over 16 KiB"));
  // The same at the top of a message/rfc822 body.
  const auto top = read_content("Content-Type: message/rfc822\n\n", "From: a@example.org\nX-Long: a\n"
                                                                   + fold.substr(fold.find(" y")));
  CHECK(top.issues.size() == 1);
}

TEST_CASE("content: many '--' lines are refused before mimetic builds a part for each", "[mime]")
{
  std::string body;
  for (int i = 0; i < 20000; ++i) {
    body += "--B\n";
  }
  const auto c = read_content(k_header, body);
  REQUIRE(c.issues.size() == 1);
  CHECK(c.issues[0].kind == IssueKind::content_limit);
  CHECK(c.issues[0].detail.starts_with("more than 10000 parts"));
}

TEST_CASE("content: re-reading damaged forwards level after level spends one budget", "[mime]")
{
  std::string inner = "From: x@example.org\nTo: y@example.org\n\n" + std::string(200000, 'z') + "\n";
  for (int i = 0; i < 20; ++i) {
    inner = "From: x@example.org\nTo: y@example.org\nno colon here\nContent-Type: message/rfc822\n\n"
            + inner;
  }
  ContentLimits limits;
  limits.max_message_bytes = 1 << 20;
  const auto c = read_content("Content-Type: message/rfc822\n\n", inner, limits);
  REQUIRE_FALSE(c.issues.empty());
  CHECK(c.issues.back().detail.find("of structure read in one message") != std::string::npos);
  CHECK(c.value.messages.size() < 10);
}

TEST_CASE("content: a UTF-16 CSV with a byte order mark and no charset is read", "[mime]")
{
  bool unknown = true;
  CHECK(text::to_utf8(std::string("\xFF\xFE" "a\0@\0b\0.\0n\0e\0t\0", 16), "", unknown) == "a@" "b.net");
  CHECK(text::to_utf8(std::string("\xFE\xFF\0a\0@\0b", 8), "utf-16", unknown) == "a@b");
  CHECK(text::to_utf8("\xEF\xBB\xBFx", "utf-8", unknown) == "x");
}

namespace {

// Everything read_content() gives, as one string.
std::string
everything(const Parsed<MessageContent>& c)
{
  std::string out;
  for (const auto& p : c.value.parts) {
    out += "part " + p.path + "|" + p.type + "|" + p.filename + "|" + p.text + "\n";
  }
  for (const auto& m : c.value.messages) {
    out += "message " + m.path + "|" + m.filename + "|" + m.header + "\n";
  }
  for (const auto& i : c.issues) {
    out += "issue " + std::to_string(static_cast<int>(i.kind)) + "|" + i.detail + "\n";
  }
  return out;
}

// Reads the message with the skipped parts' bodies cut and without: the
// same must come out (within the bounds that protect mimetic, which count
// only what it parses). Returns the bytes cut.
std::size_t
cut_changes_nothing(const std::string& header, const std::string& body)
{
  ContentLimits whole, small;
  whole.cut_parts_from = 0;
  small.cut_parts_from = 1; // every skipped part, however small
  const auto cut = read_content(header, body);
  CHECK(everything(read_content(header, body, small)) == everything(cut));
  INFO("body: " << body.substr(0, 400));
  CHECK(everything(cut) == everything(read_content(header, body, whole)));
  return cut.value.bytes_cut;
}

// A base64 body of `lines` lines of 76 characters.
std::string
base64_lines(std::size_t lines, char fill = 'Q')
{
  std::string out;
  for (std::size_t i = 0; i < lines; ++i) {
    out += std::string(76, fill) + "\n";
  }
  return out;
}

} // namespace

// Attachments are most of a message's bytes, and mimetic searched and copied
// every byte of them to have leaf() skip them: their bodies are now cut
// before it sees them, where its reading shows that nothing else changed.
TEST_CASE("content: the bodies of skipped attachments are not handed to mimetic, and nothing "
          "read changes",
          "[mime]")
{
  const std::string text = "--B\nContent-Type: text/plain\n\nto: a@example.org, b@example.org\n";
  const std::string pdf = "--B\nContent-Type: application/pdf; name=\"r.pdf\"\n"
                          "Content-Transfer-Encoding: base64\n\n" + base64_lines(100);
  const std::string csv = "--B\nContent-Type: text/csv\n\nname,mail\nc,c@example.org\n";
  // Attachments between text parts, the last one running to the end.
  CHECK(cut_changes_nothing(k_header, text + pdf + csv + pdf + "--B--\n") > 15000);
  CHECK(cut_changes_nothing(k_header, text + pdf + csv + pdf) > 15000);
  // As most mail is sent: the text in a multipart/alternative first.
  const std::string alternative =
    "--B\nContent-Type: multipart/alternative; boundary=\"C\"\n\n"
    "--C\nContent-Type: text/plain\n\nhi a@example.org\n"
    "--C\nContent-Type: text/html\n\n<p>hi a@example.org</p>\n--C--\n";
  CHECK(cut_changes_nothing(k_header, alternative + pdf + "--B--\n") > 7000);
  // CRLF line ends.
  std::string crlf = text + pdf + csv + "--B--\n";
  for (std::size_t i = crlf.find('\n'); i != std::string::npos; i = crlf.find('\n', i + 2)) {
    crlf.insert(i, "\r");
  }
  CHECK(cut_changes_nothing(k_header, crlf) > 7000);
  // Named as text, or a message: read, not cut.
  const std::string named = "--B\nContent-Type: application/octet-stream\n"
                            "Content-Disposition: attachment; filename=\"list.csv\"\n\n"
                            + std::string(5000, 'x') + "\nd@example.org\n";
  const std::string eml = "--B\nContent-Type: application/octet-stream; name=\"fwd.eml\"\n\n"
                          "From: e@example.org\nTo: f@example.org\n\n" + std::string(5000, 'y')
                          + "\n";
  CHECK(cut_changes_nothing(k_header, text + named + eml + "--B--\n") == 0);
  // multipart/digest: its parts without a Content-Type are messages.
  CHECK(cut_changes_nothing("Content-Type: multipart/digest; boundary=\"B\"\n\n",
                            pdf + "--B\n\nFrom: g@example.org\n\nhi\n--B--\n")
        == 0);
}

// What mimetic does with a boundary is not what RFC 2046 says: any
// occurrence ends a part, even mid-line, and an inner multipart's search for
// its own boundary runs past the outer one. Damaged messages where a cut
// would change its reading are read whole.
TEST_CASE("content: a boundary mimetic finds mid-line, in a header or past its part is read as "
          "mimetic reads it whole",
          "[mime]")
{
  const std::string text = "--B\nContent-Type: text/plain\n\nto: a@example.org\n";
  const std::string head = "--B\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n\n";
  // "--B" inside an attachment's body, mid-line: a part of its own.
  CHECK(cut_changes_nothing(k_header, text + head + base64_lines(60) + "QQ--BQQ\n"
                                        + base64_lines(60) + "--B--\n")
        > 0);
  // An inner multipart that never closes: its search for "--C" runs into a
  // later attachment's body, where "--C" is found mid-line.
  const std::string open_inner = "--B\nContent-Type: multipart/alternative; boundary=\"C\"\n\n"
                                 "--C\nContent-Type: text/plain\n\nhi a@example.org\n";
  cut_changes_nothing(k_header, open_inner + head + base64_lines(60) + "QQ--CQQ\n"
                                  + base64_lines(60) + text + "--B--\n");
  // ... or never finds it, and takes the rest of the message as its text.
  cut_changes_nothing(k_header, open_inner + head + base64_lines(60) + text + "--B--\n");
  // A part header with a malformed line (mimetic ends the header there) or
  // no empty line before the next boundary.
  cut_changes_nothing(k_header, text + "--B\nContent-Type: application/pdf\nno colon\n"
                                  "Content-Disposition: attachment; filename=a.txt\n\n"
                                  + base64_lines(60) + "b@example.org\n--B--\n");
  cut_changes_nothing(k_header, text + "--B\nContent-Type: application/pdf\n"
                                  + base64_lines(60) + text + "--B--\n");
  // A boundary in a part's header, and a closing one with text after it.
  cut_changes_nothing(k_header, text + "--B\nContent-Type: application/pdf\nX-Note: --B\n\n"
                                  + base64_lines(60) + "--B--x\n" + text + head
                                  + base64_lines(60));
  // A boundary that is a prefix of the inner one, and the reverse.
  cut_changes_nothing(k_header, "--B\nContent-Type: multipart/mixed; boundary=\"BB\"\n\n"
                                  + head.substr(0, 3) + "B" + head.substr(3) + base64_lines(60)
                                  + "--BB--\n" + head + base64_lines(60) + text + "--B--\n");
}

// The bounds protect mimetic from what it parses: an attachment it is not
// handed (a log attached as 8-bit text, full of "--" lines) no longer makes
// the message's text unreadable.
TEST_CASE("content: lines inside an attachment mimetic is not handed do not count against its "
          "bounds",
          "[mime]")
{
  std::string log;
  for (int i = 0; i < 10001; ++i) {
    log += "--x\n";
  }
  const std::string body = "--B\nContent-Type: text/plain\n\nto: a@example.org\n"
                           "--B\nContent-Type: application/octet-stream; name=\"build.log\"\n\n"
                           + log + "--B--\n";
  const auto read = read_content(k_header, body);
  CHECK(read.issues.empty());
  REQUIRE(read.value.parts.size() == 1);
  CHECK(read.value.parts[0].text == "to: a@example.org");
  CHECK(read.value.bytes_cut > 39000);
  // Read whole, the same body is over the part bound, as before.
  ContentLimits whole;
  whole.cut_parts_from = 0;
  const auto refused = read_content(k_header, body, whole);
  REQUIRE(refused.issues.size() == 1);
  CHECK(refused.issues[0].detail.starts_with("more than 10000 parts"));
  CHECK(refused.value.parts.empty());
}
