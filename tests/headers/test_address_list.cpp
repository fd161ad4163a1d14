#include "headers/address_list.hpp"

#include "support/issues.hpp"

#include <catch2/catch.hpp>

using namespace ccaudit;
using namespace ccaudit::headers;
using ccaudit::test::has_issue;
using namespace std::string_literals;

namespace {

std::string
joined(const std::vector<Mailbox>& mailboxes)
{
  std::string out;
  for (const auto& m : mailboxes) {
    out += (out.empty() ? "" : " ") + m.address;
  }
  return out;
}

} // namespace

// Each row: a value of a To/Cc field, and the normalised addresses counted.
// Cases from ../shared/DEPENDENCIES.md section 4 (the 49-case table), with
// example domains.
TEST_CASE("address list: RFC 5322 forms and real-world damage", "[headers]")
{
  const auto [value, expected] = GENERATE(table<std::string, std::string>({
    {"a@example.com, b@example.org, c@example.net",
     "a@example.com b@example.org c@example.net"},
    {"\"Doe, John\" <j@example.com>, b@example.org", "j@example.com b@example.org"},
    {"j@example.com (Doe, John), b@example.org", "j@example.com b@example.org"},
    {"j@example.com (re: budget), b@example.org", "j@example.com b@example.org"},
    {"John <j@example.com> (work), b@example.org", "j@example.com b@example.org"},
    {"John <j@example.com> , b@example.org", "j@example.com b@example.org"},
    {"\"John \\\"JJ\\\" Doe\" <j@example.com>, b@example.org",
     "j@example.com b@example.org"},
    {"\"A <b>, c\" <c@example.com>", "c@example.com"},
    {"\"a,b@c\"@example.com, d@example.org", "\"a,b@c\"@example.com d@example.org"},
    {"j@[192.0.2.1], b@example.org", "j@[192.0.2.1] b@example.org"},
    {"Undisclosed recipients:;", ""},
    {"undisclosed-recipients:", ""},
    {"team: a@example.com, b@example.org;, c@example.net",
     "a@example.com b@example.org c@example.net"},
    {"team: a@example.com, b@example.org", "a@example.com b@example.org"},
    {"<@relay.example.net:j@example.com>, b@example.org",
     "j@example.com b@example.org"},
    {"John <@a.example.net,@b.example.net:j@example.com>, b@example.org",
     "j@example.com b@example.org"},
    {"John <j@example.com>\r\n , b@example.org", "j@example.com b@example.org"},
    {"=?UTF-8?Q?Doe=2C_John?= <j@example.com>, b@example.org",
     "j@example.com b@example.org"},
    {"a@example.com; b@example.org; c@example.net",
     "a@example.com b@example.org c@example.net"},
    {"Jane Doe <jane@example.com>; \"Roe, Rick\" <rick@example.org>;",
     "jane@example.com rick@example.org"},
    {"undisclosed-recipients:; a@example.com; b@example.org",
     "a@example.com b@example.org"},
    {"A@EXAMPLE.COM", "a@example.com"},
    {"\"john\"@Example.COM", "john@example.com"},
    {"t@b\xc3\xbc" "cher.example.com, u@xn--bcher-kva.example.com",
     "t@xn--bcher-kva.example.com u@xn--bcher-kva.example.com"},
    {"a@example.com.", "a@example.com"},
    {"", ""},
    {"   ", ""},
    {",,,;;:<>\"", ""},
    {"\"John <j@example.com>, b@example.org", "j@example.com b@example.org"},
  }));
  CAPTURE(value);
  CHECK(joined(parse_address_list(value).value) == expected);
}

// Exchange exports write "Last, First <X.400 name>" unquoted: GMime reads
// the words before the ',' as part of the next item's name, and an X.400
// name has no domain (not counted, reported once). A list with such items
// and a broken one is read again item by item; the names stay GMime's.
TEST_CASE("address list: Exchange's unquoted \"Last, First\" names, with and without a broken "
          "item",
          "[headers]")
{
  const auto names = [](const std::vector<Mailbox>& mailboxes) {
    std::string out;
    for (const auto& m : mailboxes) {
      out += (out.empty() ? "" : "; ") + m.display_name + " = " + m.address;
    }
    return out;
  };
  const auto detail = [](const std::vector<Issue>& issues, IssueKind kind) {
    for (const auto& i : issues) {
      if (i.kind == kind) {
        return i.detail;
      }
    }
    return std::string("(none)");
  };
  const std::string exchange =
    "O'Brien, Pat <Pat@Example.com>, Doe, Jane </O=ORG/OU=EXCHANGE ADMINISTRATIVE "
    "GROUP/CN=RECIPIENTS/CN=JDOE>, Lee, Ann B. </O=ORG/CN=ALEE>, c@example.org";
  for (const auto& value : {exchange, exchange + ", Bo Lee [Sales] <bo@example.net>"}) {
    INFO(value);
    const auto read = parse_address_list(value);
    const bool broken = value != exchange;
    CHECK(names(read.value) == "O'Brien, Pat = pat@example.com;  = c@example.org"s
                                 + (broken ? ";  = bo@example.net" : ""));
    // GMime reads no mailbox at all in an X.400 name with spaces; the first
    // one it reads is reported.
    CHECK(detail(read.issues, IssueKind::address_without_domain)
          == "\"/O=ORG/CN=ALEE\" has no domain and is not counted");
    CHECK(has_issue(read.issues, IssueKind::lenient_address_recovery) == broken);
  }
  // Bare words before a bare address are not joined to it: "Doe" is a
  // mailbox without a domain.
  const auto bare = parse_address_list("Doe, c@example.org");
  CHECK(names(bare.value) == " = c@example.org");
  CHECK(detail(bare.issues, IssueKind::address_without_domain)
        == "\"Doe\" has no domain and is not counted");
  // A list GMime reads whole (its last item is not one it reads alone),
  // read again item by item for the broken one: the name stays GMime's
  // (recovery used to cut it to "Pat").
  const auto kept = parse_address_list(
    "Bo Lee [Sales] <bo@example.net>, O'Brien, Pat <pat@example.com>, "
    "\"Doe, J\" <j@example.com> x");
  CHECK(names(kept.value)
        == " = bo@example.net; O'Brien, Pat = pat@example.com; Doe, J = j@example.com");
  // 50,000 bare names that join nothing: each is looked at once.
  std::string words;
  for (int i = 0; i < 50000; ++i) {
    words += "Doe, ";
  }
  const auto many = parse_address_list(words + "Bo Lee [Sales] <bo@example.net>, x@example.org y");
  CHECK(names(many.value) == " = bo@example.net;  = x@example.org");
}

TEST_CASE("address list: display names are RFC 2047 decoded", "[headers]")
{
  const auto parsed = parse_address_list(
    "=?UTF-8?B?SsO8cmdlbg==?= <j@example.com>, "
    "=?ISO-8859-1?Q?J=FCrgen_M=FCller?= <m@example.com>");
  REQUIRE(parsed.value.size() == 2);
  CHECK(parsed.value[0].display_name == "J\xc3\xbcrgen");
  CHECK(parsed.value[1].display_name == "J\xc3\xbcrgen M\xc3\xbcller");
}

TEST_CASE("address list: group members carry the group name", "[headers]")
{
  const auto parsed = parse_address_list("Board: a@example.com;, b@example.org");
  REQUIRE(parsed.value.size() == 2);
  CHECK(parsed.value[0].group == "Board");
  CHECK(parsed.value[1].group.empty());
}

TEST_CASE("address list: oddities are reported by name", "[headers]")
{
  CHECK(has_issue(parse_address_list("a@example.com; b@example.org").issues,
                  IssueKind::semicolon_address_separator));
  CHECK(has_issue(parse_address_list("root, a@example.com").issues,
                  IssueKind::address_without_domain));
  CHECK(has_issue(parse_address_list("John Doe").issues,
                  IssueKind::address_unparsable));
  CHECK(parse_address_list("team: a@example.com, b@example.org;").issues.empty());
  CHECK(parse_address_list("<@relay.example.net:j@example.com>").issues.empty());
}

TEST_CASE("address list: NUL bytes do not end the list", "[headers]")
{
  CHECK(joined(parse_address_list("a@example.com,\0 b@example.org, c@example.net"s).value)
        == "a@example.com b@example.org c@example.net");
}

TEST_CASE("address list: 50,000 addresses on one line", "[headers]")
{
  std::string value;
  for (int i = 0; i < 50000; ++i) {
    value += "u" + std::to_string(i) + "@example.com,";
  }
  CHECK(parse_address_list(value).value.size() == 50000);
}

TEST_CASE("normalize: the local-part policy", "[headers]")
{
  CHECK(normalize_address("John.Doe+Tag@Example.COM") == "john.doe+tag@example.com");
  CHECK(normalize_address("\"john.doe\"@example.com") == "john.doe@example.com");
  CHECK(normalize_address("\"john doe\"@example.com") == "\"john doe\"@example.com");
  CHECK(normalize_address("root").empty());
  CHECK(normalize_address("a@").empty());
  CHECK(normalize_address("@example.com").empty());
  CHECK(normalize_domain("B\xc3\x9c" "CHER.example.com") == "xn--bcher-kva.example.com");
}

TEST_CASE("address list: groups nested past the bound are read item by item, not by GMime",
          "[headers][hostile]")
{
  // GMime's group parser recurses once per "name:": 40,000 overflow the stack.
  std::string value;
  for (int i = 0; i < 40000; ++i) {
    value += "g: ";
  }
  value += "a@example.com, b@example.org";
  value += std::string(40000, ';');
  const auto parsed = parse_address_list(value);
  CHECK(joined(parsed.value) == "a@example.com b@example.org");
  CHECK(has_issue(parsed.issues, IssueKind::nesting_too_deep));

  // Our tokenizer and GMime's read '\"', '\(' outside quotes and an unclosed
  // '(' or '<' differently: the bound on ':' must hold whatever a tokenizer
  // makes of the text (each of these overflowed the stack past the first fix).
  std::string groups;
  for (int i = 0; i < 40000; ++i) {
    groups += "g: ";
  }
  for (const std::string prefix : {"a\\\"b, ", "a\\(b, ", "a (b, ", "a <b, "}) {
    CAPTURE(prefix);
    const auto hidden = parse_address_list("x@example.com, " + prefix + groups + "z@example.com");
    CHECK(has_issue(hidden.issues, IssueKind::nesting_too_deep));
    CHECK(joined(hidden.value).starts_with("x@example.com"));
  }
  // Every '<' unclosed: the addresses after it are still read.
  const auto unclosed = parse_address_list("x y@ <u0@example.com, u1@example.com").value;
  CHECK(unclosed.size() == 2);
  CHECK(joined(unclosed).find("u0@example.com") != std::string::npos);

  // A few nested groups (not RFC 5322, but seen) are still GMime's to read.
  const auto shallow = parse_address_list("outer: inner: a@example.com, b@example.org;;");
  CHECK(joined(shallow.value) == "a@example.com b@example.org");
  CHECK_FALSE(has_issue(shallow.issues, IssueKind::nesting_too_deep));
}

TEST_CASE("address list: a dotted local part is covered by its suffixes, in linear time",
          "[headers]")
{
  // "test . test@x" is parsed as test.test@x; the eye also reads test@x,
  // which must not count as a second, dropped address.
  const auto parsed = parse_address_list("test . test@example.com, x@example.org, @");
  CHECK(joined(parsed.value) == "test.test@example.com x@example.org");
  CHECK_FALSE(has_issue(parsed.issues, IssueKind::addresses_dropped));
  // With addresses of many lengths to cover (nine broken items), every
  // local part is walked instead of each length probed: the same answer,
  // also for a local part of many dots.
  std::string list = "a . b . c . d . e . test@example.com";
  std::string expected = "a.b.c.d.e.test@example.com";
  for (int i = 1; i <= 9; ++i) {
    const auto address = std::string(static_cast<std::size_t>(i), 'n') + "@example.org";
    list += ", Name [Dept] <" + address + ">";
    expected += " " + address;
  }
  const auto many = parse_address_list(list);
  CHECK(joined(many.value) == expected);
  CHECK(has_issue(many.issues, IssueKind::lenient_address_recovery));
  CHECK_FALSE(has_issue(many.issues, IssueKind::addresses_dropped));
}

TEST_CASE("address list: a suffix covers an address of its own item only", "[headers]")
{
  // GMime drops the bracketed item; the lenient reader sees smith@ in it.
  // j.smith@'s suffix after its '.' is the same text, but another item's:
  // two people, and both are counted (one was, silently).
  const auto two = parse_address_list(
    "j.smith@corp.example.com, Smith [Sales] <smith@corp.example.com>");
  CHECK(joined(two.value) == "j.smith@corp.example.com smith@corp.example.com");
  CHECK(has_issue(two.issues, IssueKind::lenient_address_recovery));
  // Read by GMime as a whole (a comment), the same.
  CHECK(joined(parse_address_list("(x) j.smith@corp.example.com, "
                                  "Smith [Sales] <smith@corp.example.com>")
                 .value)
        == "j.smith@corp.example.com smith@corp.example.com");
  // The same address whole in another item: one mailbox, nothing recovered.
  const auto same = parse_address_list(
    "smith@corp.example.com, Smith [Sales] <smith@corp.example.com>");
  CHECK(joined(same.value) == "smith@corp.example.com");
  CHECK_FALSE(has_issue(same.issues, IssueKind::lenient_address_recovery));
}

TEST_CASE("address list: a held-out corpus's disagreements with Python, where ccaudit was wrong",
          "[headers]")
{
  // An address written as a display name names the mailbox that follows it.
  CHECK(joined(parse_address_list("eve@example.com <frank@example.com>").value)
        == "frank@example.com");
  CHECK(joined(parse_address_list("a@example.com, eve@example.com <frank@example.com>").value)
        == "a@example.com frank@example.com");
  // Quotes that change nothing: one mailbox, however it is written.
  CHECK(joined(parse_address_list("<munn\".\"mary@example.com>").value)
        == "munn.mary@example.com");
  CHECK(normalize_address("munn\".\"mary@example.com") == "munn.mary@example.com");
  CHECK(normalize_address("\"john\".\"doe\"@example.com") == "john.doe@example.com");
  CHECK(normalize_address("\"john doe\".x@example.com") == "\"john doe\".x@example.com");
  // An item too broken to be an address is recorded, not silently left out.
  const auto junk = parse_address_list("x@example.com, <.~@example.com>, b@example.org");
  CHECK(joined(junk.value) == "x@example.com b@example.org");
  CHECK(has_issue(junk.issues, IssueKind::addresses_dropped));
}
