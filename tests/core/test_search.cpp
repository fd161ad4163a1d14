// The boundary search of a --content scan: the same answers as
// std::string_view::find, on the bodies it crosses and on bodies made to
// defeat its filter.
#include "core/search.hpp"

#include <catch2/catch.hpp>

#include <random>
#include <string>

using ccaudit::find_bytes;

TEST_CASE("search: the same occurrences as string_view::find", "[core]")
{
  std::mt19937 random(7);
  const std::string alphabets[] = {"-ab", "-", "ab\n-", "A-Za-z0-9+/="};
  for (const auto& alphabet : alphabets) {
    for (int round = 0; round < 300; ++round) {
      std::string hay(random() % 300, ' ');
      for (auto& c : hay) {
        c = alphabet[random() % alphabet.size()];
      }
      std::string needle(1 + random() % 12, ' ');
      for (auto& c : needle) {
        c = alphabet[random() % alphabet.size()];
      }
      if (round % 3 == 0 && hay.size() > needle.size()) {
        hay.replace(random() % (hay.size() - needle.size()), needle.size(), needle);
      }
      for (std::size_t from = 0; from <= hay.size() + 1; from += 1 + random() % 40) {
        const std::string_view h(hay);
        INFO("hay " << hay << " needle " << needle << " from " << from);
        REQUIRE(find_bytes(h, needle, from) == h.find(needle, from));
      }
    }
  }
  CHECK(find_bytes("", "") == 0);
  CHECK(find_bytes("ab", "abc") == std::string_view::npos);
}

TEST_CASE("search: a body where every position matches the first and last byte", "[core]")
{
  // "--" and a boundary ending in "-", in a body of dashes: the filter
  // passes every position; the search must still end, and find the one.
  const std::string needle = "--" + std::string(60, '-') + "x-";
  std::string hay(4 << 20, '-');
  hay.replace(hay.size() - 100, needle.size(), needle);
  CHECK(find_bytes(hay, needle) == hay.size() - 100);
  CHECK(find_bytes(hay, needle, hay.size() - 99) == std::string_view::npos);
  // Occurrences every few bytes, each found from the last one.
  std::string many;
  for (int i = 0; i < 100000; ++i) {
    many += "--b-";
  }
  std::size_t count = 0;
  for (auto at = find_bytes(many, "--b-"); at != std::string_view::npos;
       at = find_bytes(many, "--b-", at + 4)) {
    ++count;
  }
  CHECK(count == 100000);
}
