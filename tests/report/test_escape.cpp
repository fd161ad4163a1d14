#include "report/escape.hpp"
#include "report/redact.hpp"

#include "core/fatal_error.hpp"
#include "support/test_message.hpp"

#include <catch2/catch.hpp>

using namespace ccaudit;
using namespace ccaudit::report;

TEST_CASE("escape: HTML keeps markup as text", "[report]")
{
  CHECK(html_escape("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert(1)&gt;");
  CHECK(html_escape("a & \"b\" 'c'") == "a &amp; &quot;b&quot; &#39;c&#39;");
  CHECK(html_escape("\x1b[31mred") == "\xef\xbf\xbd[31mred");
  CHECK(html_escape("bad \xff byte") == "bad \xef\xbf\xbd byte");
}

TEST_CASE("escape: CSV cells cannot become formulas or break rows", "[report]")
{
  CHECK(csv_cell("plain") == "\"plain\"");
  CHECK(csv_cell("say \"hi\"") == "\"say \"\"hi\"\"\"");
  for (const char* formula : {"=HYPERLINK(\"x\")", "+SUM(1)", "-2+3", "@cmd", "\t=x", "\r+x", " =x"}) {
    CAPTURE(formula);
    const auto cell = csv_cell(formula);
    CHECK(cell.substr(0, 2) == "\"'");
  }
  CHECK(csv_cell("two\nlines\r\n") == "\"two lines  \"");
  CHECK(csv_cell("") == "\"\"");
}

TEST_CASE("escape: C1 and bidirectional controls never reach a CSV cell", "[report]")
{
  // U+009B is a one-character CSI on 8-bit terminals; U+202E reverses the
  // text that follows ("gpj.exe" shown as "exe.jpg").
  CHECK(csv_cell("a\xc2\x9b" "31mb") == "\"a 31mb\"");
  CHECK(csv_cell("x\xe2\x80\xae" "gpj.exe") == "\"x gpj.exe\"");
  CHECK(csv_cell("\xe2\x81\xa6=SUM(1)") == "\"' =SUM(1)\""); // a formula after a control
  CHECK(csv_cell("caf\xc3\xa9") == "\"caf\xc3\xa9\""); // other UTF-8 is kept
}

TEST_CASE("redact: addresses become keyed hashes, stable per key, domain kept",
          "[report]")
{
  const Redactor a(std::string(32, 'k'));
  const Redactor b(std::string(32, 'j'));
  const auto x = a.address("jane.doe@example.com");
  CHECK(x.starts_with("hmac-"));
  CHECK(x.ends_with("@example.com"));
  CHECK(x.find("jane") == std::string::npos);
  CHECK(x == a.address("jane.doe@example.com"));
  CHECK(x != a.address("john.doe@example.com"));
  CHECK(x != b.address("jane.doe@example.com"));
  CHECK(a.name("Jane Doe") == "(withheld)");
  CHECK(a.name("") == "");
}

TEST_CASE("redact: a key file that is missing or short is refused", "[report]")
{
  test::TempDir dir;
  CHECK_THROWS_AS(Redactor::from_file(dir.path() / "missing.key"), FatalError);
  const auto short_key = dir.write("short.key", "0123456789");
  CHECK_THROWS_WITH(Redactor::from_file(short_key), Catch::Contains("at least 16"));
  const auto key = dir.write("good.key", std::string(16, 'x'));
  CHECK(Redactor::from_file(key).address("a@example.com")
        == Redactor(std::string(16, 'x')).address("a@example.com"));
}
