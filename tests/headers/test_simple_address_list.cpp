// The simple reader must never disagree with GMime: wherever it returns a
// list, that list is GMime's, address, name and group alike. Checked on the
// shapes it exists for, on the shapes it must decline, and on random values
// built from the characters that matter.
#include "headers/simple_address_list.hpp"

#include <catch2/catch.hpp>

#include <random>
#include <tuple>

using namespace ccaudit::headers;

namespace {

std::vector<std::tuple<std::string, std::string, std::string>>
rows(const std::vector<Mailbox>& mailboxes)
{
  std::vector<std::tuple<std::string, std::string, std::string>> out;
  for (const auto& m : mailboxes) {
    out.emplace_back(m.address, m.display_name, m.group);
  }
  return out;
}

// True if the simple reader took the value; fails the test on a difference.
bool
agrees(const std::string& value)
{
  const auto simple = detail::parse_simple_address_list(value);
  if (!simple) {
    return false;
  }
  const auto gmime = detail::parse_address_list_with_gmime(value);
  INFO("value: [" << value << "]");
  CHECK(gmime.issues.empty());
  CHECK(rows(*simple) == rows(gmime.value));
  return true;
}

} // namespace

TEST_CASE("simple address list: the common shapes are read without GMime, as GMime reads them", "[headers]")
{
  for (const std::string value : {
         "a@example.com",
         "A.B+tag@Mail.Example.COM",
         "Jane Doe <jane@example.com>",
         "Jane   Doe <jane@example.com>",
         "Jane Doe<jane@example.com>",
         "\"Doe, Jane\" <jane@example.com>",
         "\"  Doe, Jane  \" <jane@example.com>",
         "\"Doe, Jane (Finance)\" <jane@example.com>",
         "\"Board: Doe; [HR]\" <jane@example.com>, b@example.org",
         "\"\" <jane@example.com>",
         "<jane@example.com>",
         "=?UTF-8?B?Um9zYW11bmQgS2VzdHJlbHdpY2sgw5w=?= <r@example.org>",
         "=?UTF-8?B?Um9z?= =?UTF-8?B?YW11bmQ=?= <r@example.org>",
         "Dr =?UTF-8?Q?J=C3=A9r=C3=B4me?= Smith <r@example.org>",
         "=?ISO-8859-1?Q?Andr=E9?= <a@example.net>",
         "=?UTF-8?B?broken base64?= <a@example.net>",
         "a@example.com, b@example.org,\r\n c@example.net",
         "a@example.com,,b@example.org,",
         "O'Brien! #1 <o@example.com>",
         "x@localhost",
       }) {
    CHECK(agrees(value));
  }
}

TEST_CASE("simple address list: everything else goes to GMime", "[headers]")
{
  for (const std::string value : {
         "a@example.com (Jane)",                // comment
         "team: a@example.com, b@example.com;", // group
         "<@route.example:a@example.com>",      // route
         "\"a b\"@example.com",                 // quoted local part
         "\"Doe \\\"J\\\"\" <j@example.com>",   // quoted pair
         "a@[192.0.2.1]",                       // domain literal
         "jane@example.com.",                   // trailing dot
         "a..b@example.com",                    // obsolete local part
         "Jos\xc3\xa9 <j@example.com>",         // 8-bit name
         "j@b\xc3\xbc" "cher.example",          // IDN domain
         "Jane\tDoe <j@example.com>",           // tab kept by GMime
         "Jane\r\n Doe <j@example.com>",        // fold kept by GMime
         "\"=?UTF-8?Q?a?=\" <j@example.com>",   // encoded word in quotes
         "\"j@example.com\" <j@example.com>",   // '@' in a name
         "Jane <j@example.com",                 // unclosed
         "Jane j@example.com",                  // no angle brackets
         "< j@example.com >",                   // spaces inside
         ",,",                                   // no address
         "Jane Doe",                            // no address
         "J. Doe <j@example.com>",              // obsolete phrase
         // An A-label GMime decodes and IDNA2008 encodes differently
         // (found by the address-list fuzzer).
         " ida@xn--bcher-kvanexample.example.net,\n pad11@example.net",
         // A damaged encoded word that decodes to a form feed, which GMime
         // trims from the name and text::trim does not (the fuzzer's find).
         "=?utf-8?B?TmlhbGwzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzgSnVuaXBlcmx5IMOE?= "
         "<n@example.com>",
       }) {
    INFO("value: [" << value << "]");
    CHECK_FALSE(detail::parse_simple_address_list(value));
  }
}

TEST_CASE("simple address list: random values never disagree with GMime", "[headers]")
{
  // Pieces chosen to hit every branch: separators, brackets, quotes, folds,
  // encoded words, dots, the '@', and characters it must decline.
  const std::vector<std::string> pieces = {
    "a", "Jane", "x.y", "+t", "@", "@example.com", "example.org", ".", "..",
    " ", "  ", "\t", "\r\n ", ",", ", ", "<", ">", "\"", "\"Doe, J\"", "=?",
    "?=", "=?UTF-8?B?SsO8cmc=?=", "=?UTF-8?Q?J=C3=BCrg?=", "=?x?q?a?=", "'",
    "!", "-", "(", ")", ":", ";", "\\", "[", "]", "\xc3\xbc", "O'Neil",
    "\"Doe, J (HR)\"", "\"a: b; [c]\"", "\"(\"", "\")\"", "\":\"",
  };
  std::mt19937 rng(20261126);
  std::uniform_int_distribution<std::size_t> pick(0, pieces.size() - 1);
  std::uniform_int_distribution<int> length(1, 14);
  int taken = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string value;
    for (int n = length(rng); n > 0; --n) {
      value += pieces[pick(rng)];
    }
    taken += agrees(value) ? 1 : 0;
  }
  // Shapes built to be simple: the reader must take them, or it reads nothing.
  const std::vector<std::string> words = {"a", "Jane", "+t", "O'Neil", "x-1"};
  for (int i = 0; i < 2000; ++i) {
    std::string value;
    for (int n = length(rng); n > 0; --n) {
      const std::string& word = words[rng() % words.size()];
      switch (rng() % 4) {
      case 0: value += word + "@example.com"; break;
      case 1: value += word + " " + word + " <" + word + "@x.example.org>"; break;
      case 2: value += "\"" + word + ", " + word + " (" + word + ")\" <" + word + "@example.net>"; break;
      default: value += "=?UTF-8?B?SsO8cmc=?= " + word + " <" + word + "@example.com>"; break;
      }
      value += n > 1 ? ",\r\n " : "";
    }
    CHECK(agrees(value));
    ++taken;
  }
  CHECK(taken > 2000);
}

namespace {

std::string
base64(std::string_view bytes)
{
  static constexpr char k_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    std::uint32_t n = static_cast<unsigned char>(bytes[i]) << 16;
    n |= i + 1 < bytes.size() ? static_cast<unsigned char>(bytes[i + 1]) << 8 : 0;
    n |= i + 2 < bytes.size() ? static_cast<unsigned char>(bytes[i + 2]) : 0;
    out += k_alphabet[n >> 18 & 63];
    out += k_alphabet[n >> 12 & 63];
    out += i + 1 < bytes.size() ? k_alphabet[n >> 6 & 63] : '=';
    out += i + 2 < bytes.size() ? k_alphabet[n & 63] : '=';
  }
  return out;
}

} // namespace

// A name that is one UTF-8 base64 word is decoded without GMime's phrase
// decoder; any other word still goes to it. Either way the name must be
// GMime's.
TEST_CASE("simple address list: a name in one base64 word reads as GMime decodes it", "[headers]")
{
  // Words as written, the plain ones and those left to GMime's decoder.
  const std::vector<std::string> words = {
         "=?UTF-8?B?" + base64("Bertil Hartsbrook \xc3\x84") + "?=",
         "=?utf-8?b?" + base64("J\xc3\xa9r\xc3\xb4me") + "?=",
         "=?Utf-8?B?" + base64("  Doe,  Jane (HR) <x> \"q\"  ") + "?=",
         "=?UTF-8?B?" + base64("\xe6\x97\xa5\xe6\x9c\xac") + "?=",
         "=?UTF-8?B?QR==?=",               // bits left over
         "=?UTF-8?B?QUI=?=", "=?UTF-8?B?QUJD?=",
         "=?UTF-8?B?QUJ?=",                // not a multiple of 4
         "=?UTF-8?B?QU=D?=",               // '=' inside
         "=?UTF-8?B?" "?=",               // empty
         "=?UTF-8?B?" + base64("\xff\xfe") + "?=",  // not UTF-8
         "=?UTF-8?B?" + base64("a\x0c" "b") + "?=", // a control character
         "=?UTF-8?B?" + base64("a\tb") + "?=",
         "=?ISO-8859-1?B?" + base64("Andr\xe9") + "?=",
         "=?UTF-8?Q?J=C3=A9r=C3=B4me?=",
         "=?UTF-8?B?" + base64("Ann") + "?= =?UTF-8?B?" + base64("Lee") + "?=",
         "Dr =?UTF-8?B?" + base64("Ann") + "?=",
  };
  for (const auto& word : words) {
    INFO("word: " << word);
    agrees(word + " <ann@example.com>, b@example.org");
  }
  // Random names of ASCII and multibyte letters, blanks and specials: each
  // is taken, and read as GMime reads it.
  const std::vector<std::string> pieces = {"a", "Z", " ", "  ", "\xc3\x84", "\xe6\x97\xa5",
                                           ",", "\"", "<", ">", "@", "(", ";", "=?", "?="};
  std::mt19937 rng(20261207);
  for (int i = 0; i < 3000; ++i) {
    std::string name;
    for (int n = 1 + static_cast<int>(rng() % 12); n > 0; --n) {
      name += pieces[rng() % pieces.size()];
    }
    const auto value = "=?" + std::string(rng() % 2 ? "UTF-8" : "utf-8") + (rng() % 2 ? "?B?" : "?b?")
                       + base64(name) + "?= <a" + std::to_string(i) + "@example.com>";
    INFO("name: [" << name << "]");
    CHECK(agrees(value));
  }
}

// The reader finds an item's end (',' or '"') 16 bytes at a time, then
// checks the item's parts: a byte it declines must be found wherever it is
// in a long item, and a quote wherever it starts, in the first block, the
// last or the bytes after the last whole block.
TEST_CASE("simple address list: a byte it declines is found at any place in a long item", "[headers]")
{
  const std::string item = "Jane Marie Doe-Smith <jane.marie.doe-smith@mail.example.com>";
  for (const char c : std::string("()[]:;\\\0\xc3", 9)) {
    for (std::size_t at = 0; at <= item.size(); ++at) {
      const auto value = "a@example.org, " + item.substr(0, at) + c + item.substr(at);
      INFO("byte " << int(static_cast<unsigned char>(c)) << " at " << at);
      detail::SimplePrefix prefix;
      CHECK_FALSE(detail::parse_simple_address_list(value, &prefix));
      CHECK(prefix.end == 14); // the second item, after "a@example.org,"
      CHECK(prefix.mailboxes.size() == 1);
    }
  }
  // Inside quotes only '\\' and 8-bit bytes are; ',' and "()[]:;" are text.
  const std::string quoted = "\"Doe-Smith, Jane Marie (Finance) [HR]: x; y\"";
  for (std::size_t at = 1; at < quoted.size(); ++at) {
    for (const char c : std::string("\\\xc3")) {
      const auto value = quoted.substr(0, at) + c + quoted.substr(at) + " <j@example.com>";
      INFO("byte " << int(static_cast<unsigned char>(c)) << " at " << at);
      CHECK_FALSE(detail::parse_simple_address_list(value));
    }
    for (const char c : std::string(",()[]:;")) {
      const auto value = quoted.substr(0, at) + c + quoted.substr(at) + " <j@example.com>";
      INFO("byte " << c << " at " << at);
      CHECK(agrees(value));
    }
  }
}

// A list it declines part way is read item by item from the item declined:
// what it took before stays taken, once.
TEST_CASE("simple address list: a value declined part way leaves the items before the one "
          "declined, and where that one starts",
          "[headers]")
{
  const std::string taken = "a@example.com, \"Doe, J\" <j@example.com>,, ";
  const std::string value = taken + "Ann [S] <ann@example.com>, b@example.com";
  detail::SimplePrefix prefix;
  CHECK_FALSE(detail::parse_simple_address_list(value, &prefix));
  CHECK(prefix.end == taken.size() - 1); // the item starts after the ','
  REQUIRE(prefix.mailboxes.size() == 2);
  CHECK(prefix.mailboxes[1].address == "j@example.com");
  CHECK(prefix.mailboxes[1].display_name == "Doe, J");
  // Declined at its first item: nothing taken.
  CHECK_FALSE(detail::parse_simple_address_list("(c) a@example.com, b@example.com", &prefix));
  CHECK(prefix.end == 0);
  CHECK(prefix.mailboxes.empty());
  // And read item by item from there, as GMime reads the whole list.
  const auto read = parse_address_list(value);
  CHECK(rows(read.value) == rows(detail::parse_address_list_with_gmime(value).value));
  CHECK(read.value.size() == 4);
}

// The items after a broken one are read into one shared vector: each adds
// what the simple reader gives for it alone, and one it declines, even after
// taking items of its own, adds nothing.
TEST_CASE("simple address list: appended, an item adds its mailboxes, and one declined leaves "
          "the vector as it was",
          "[headers]")
{
  std::vector<Mailbox> shared = {{"first@example.com", "", ""}};
  CHECK(detail::append_simple_address_list("\"Doe, J\" <J@Example.com>", shared));
  CHECK(detail::append_simple_address_list(" a@example.org , b@example.net", shared));
  for (const std::string declined :
       {"c@example.com, Ann [S] <ann@example.com>", "(c) d@example.com", " , ,", ""}) {
    INFO("declined: [" << declined << "]");
    CHECK_FALSE(detail::append_simple_address_list(declined, shared));
    CHECK(shared.size() == 4);
  }
  std::vector<Mailbox> alone = {{"first@example.com", "", ""}};
  for (const std::string value : {"\"Doe, J\" <J@Example.com>", " a@example.org , b@example.net"}) {
    const auto read = detail::parse_simple_address_list(value);
    REQUIRE(read);
    alone.insert(alone.end(), read->begin(), read->end());
  }
  CHECK(rows(shared) == rows(alone));
  CHECK(shared[1].address == "j@example.com");
}

// A wide list with a few broken items is read item by item when GMime would
// read each item alone: the result, problems included, must be GMime's
// reading of the whole list, and the broken items' addresses recovered.
TEST_CASE("address list: lists read item by item give what GMime gives reading the whole "
          "list",
          "[headers]")
{
  const auto same = [](const std::string& value) {
    INFO("value: [" << value << "]");
    const auto fast = parse_address_list(value);
    const auto whole = detail::parse_address_list_with_gmime(value);
    CHECK(rows(fast.value) == rows(whole.value));
    REQUIRE(fast.issues.size() == whole.issues.size());
    for (std::size_t i = 0; i < fast.issues.size(); ++i) {
      CHECK(fast.issues[i].kind == whole.issues[i].kind);
      CHECK(fast.issues[i].detail == whole.issues[i].detail);
    }
    return fast;
  };
  const std::string names = "\"Doe, Jane (Finance)\" <jane@example.com>, Bo Lee <bo@example.com>";
  const auto bracket = names + ", Ann Lee [Sales] <ann@example.com>, c@example.org";
  CHECK(detail::items_read_alone(bracket));
  const auto read = same(bracket);
  CHECK(read.value.size() == 4); // GMime drops Ann's item; the recovery reads it
  // Exchange's "Last, First <X.400 name>": one mailbox of two items, GMime
  // reads them alone together.
  for (const auto& value : std::vector<std::string>{
         names + ", Doe, Jane </O=ORG/OU=NA/CN=RECIPIENTS/CN=JDOE>",
         "Doe, Jane </O=ORG/OU=EXCHANGE ADMINISTRATIVE GROUP/CN=JDOE>, " + names,
         "O'Brien, Pat A., Jr. <pat@example.com>, " + names + ", Lee, Ann </O=ORG/CN=LEE>"}) {
    CHECK(detail::items_read_alone(value));
    same(value);
  }
  // Shapes GMime may read across a ',': the whole list goes to GMime.
  for (const auto& value : std::vector<std::string>{
         names + ", Doe, <jane@example.com>", names + ", Doe, jane@example.com",
         names + ", Doe", names + ", Doe,, Jane <jane@example.com>",
         names + ", Doe, Ann [S] <ann@example.com>", names + ", Doe, Jane <j@example.com> x",
        names + ", Lee [Sales <ann@example.com>", names + ", (comment) a@example.com",
        names + ", \"unclosed <ann@example.com>", names + ", <ann@example.com, b@example.com>",
        names + ", g: a@example.com;", names + ", g: a@example.com, b@example.com",
        "::" + names, names + ", <@route.example.com:a@example.com>",
        names + ", bo@example.com oc,.ann@example.com, Lee <lee@example.com>",
        names + ", Lee <a@example.com> trailing"}) {
    CHECK_FALSE(detail::items_read_alone(value));
    same(value);
  }
  // Random lists of simple and broken items.
  const std::vector<std::string> items = {
    "a@example.com", "\"Doe, J (HR)\" <j@example.com>", "Ann Lee [Sales] <ann@example.com>",
    "e-mail <'bo'@example.com>", "a@b@example.com", "x@[192.0.2.1]", "[x] y@example.com",
    "<a@example.com> b@example.com", "=?utf-8?q?Zo=C3=AB?= <z@example.com>", "Lee [ <l@example.com>",
    "c@example", "@example.com", "Jo <jo@example.com", "Ann [S] <>", "x@y.example.com <w@example.com>",
    "Ann <ann@example.com> [S]", "\xc3\xa9@example.com", "a..b@example.com", "",
    // Exchange names and the bare words GMime joins to the next item.
    "Doe, Jane </O=ORG/OU=EXCHANGE ADMINISTRATIVE GROUP/CN=RECIPIENTS/CN=JDOE>", "Doe",
    "Smith-Jones A. B.", "O'Brien", "Jane </O=ORG/CN=JDOE>", "Jane <jane@example.com>",
    "Lee, Ann <ann@example.com>", "Lee, <ann@example.com>", "Lee, Ann <a@b@example.com>",
    "Lee, Ann </O=ORG/CN=(x)>", "Lee, Ann <\"q\"@example.com>", "Lee 1, Ann 2 <>",
    // Quoted local parts inside <...>, Exchange's double '@' among them.
    "<\"a b\"@host.example.com@example.com>", "Ann <\"a b\"@example.com>",
    "<\"a\"@b@example.com> x", "\"a\" <\"b\"@example.com>", "<\"a\\\"b\"@example.com>",
    "<\"a b@example.com>", "Ann [S] <\"a\"@example.com>", "<\"a\">@example.com",
  };
  std::mt19937 rng(20261206);
  int alone = 0;
  for (int i = 0; i < 6000; ++i) {
    std::string value;
    for (int n = 1 + static_cast<int>(rng() % 8); n > 0; --n) {
      value += items[rng() % items.size()] + (n > 1 ? (rng() % 2 ? ", " : ",\r\n ") : "");
    }
    alone += detail::items_read_alone(value) ? 1 : 0;
    same(value);
  }
  CHECK(alone > 200);
}
