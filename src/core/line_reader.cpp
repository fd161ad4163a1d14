#include "core/line_reader.hpp"

#include <algorithm>
#include <cstring>
#include <string>

namespace ccaudit {

std::string_view
Line::content() const
{
  auto t = text;
  if (!t.empty() && t.back() == '\n') {
    t.remove_suffix(1);
    if (!t.empty() && t.back() == '\r') {
      t.remove_suffix(1);
    }
  }
  return t;
}

LineReader::LineReader(ByteSource& source, std::size_t buffer_size)
  : m_source(source), m_buffer(buffer_size)
{
}

void
LineReader::fill()
{
  if (m_pos > 0) {
    std::memmove(m_buffer.data(), m_buffer.data() + m_pos, m_end - m_pos);
    m_base += m_pos;
    m_end -= m_pos;
    m_pos = 0;
  }
  while (!m_eof && m_end < m_buffer.size()) {
    const auto n = m_source.read_at(m_base + m_end, m_buffer.data() + m_end,
                                    m_buffer.size() - m_end);
    if (n == 0) {
      m_eof = true;
    }
    m_end += n;
  }
}

// Finds the next line (or piece) in the buffer, refilling it once if needed.
bool
LineReader::find_line(Line& out, std::size_t& length)
{
  for (int attempt = 0; attempt < 2; ++attempt) {
    const char* start = m_buffer.data() + m_pos;
    const auto available = m_end - m_pos;
    if (const void* nl = std::memchr(start, '\n', available)) {
      length = static_cast<std::size_t>(static_cast<const char*>(nl) - start)
               + 1;
      break;
    }
    if (attempt == 0 && !m_eof) {
      fill();
      continue;
    }
    length = available; // last line without newline, or an over-long piece
  }
  if (length == 0) {
    return false;
  }
  out.offset = m_base + m_pos;
  out.text = std::string_view(m_buffer.data() + m_pos, length);
  out.at_line_start = !m_mid_line;
  return true;
}

void
LineReader::consume(std::size_t n)
{
  for (std::size_t i = n > 3 ? n - 3 : 0; i < n; ++i) {
    m_history[0] = m_history[1];
    m_history[1] = m_history[2];
    m_history[2] = m_buffer[m_pos + i];
  }
  m_pos += n;
  m_mid_line = m_history[2] != '\n';
}

bool
LineReader::next(Line& out)
{
  std::size_t length = 0;
  if (!find_line(out, length)) {
    return false;
  }
  consume(length);
  return true;
}

bool
LineReader::skip_to_line_starting(std::string_view prefix, bool& previous_blank)
{
  std::string pattern = "\n";
  pattern += prefix;
  for (;;) {
    if (m_end - m_pos <= prefix.size() && !m_eof) {
      fill();
    }
    const char* at = m_buffer.data() + m_pos;
    const auto available = m_end - m_pos;
    if (available == 0) {
      return false;
    }
    if (m_history[2] == '\n' && std::string_view(at, available).starts_with(prefix)) {
      previous_blank = m_history[1] == '\n'
                       || (m_history[1] == '\r' && m_history[0] == '\n');
      return true;
    }
    if (const void* hit = ::memmem(at, available, pattern.data(), pattern.size())) {
      consume(static_cast<std::size_t>(static_cast<const char*>(hit) - at) + 1);
      continue;
    }
    if (m_eof) {
      consume(available);
      return false;
    }
    // Keep a tail: a match may straddle the end of the buffer.
    consume(available - std::min(available, prefix.size()));
    fill();
  }
}

bool
LineReader::peek(Line& out)
{
  std::size_t length = 0;
  return find_line(out, length);
}

void
LineReader::seek(std::uint64_t offset)
{
  m_base = offset;
  m_pos = 0;
  m_end = 0;
  m_eof = false;
  m_mid_line = false;
  m_history[0] = m_history[1] = m_history[2] = '\n';
}

} // namespace ccaudit
