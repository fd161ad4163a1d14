#pragma once

#include <stdexcept>

namespace ccaudit {

// Thrown only when the whole run is pointless (the findings database cannot be
// written). Caught once, in cli::run(). Never thrown for bad mail: that is an
// Issue, and the scan goes on.
class FatalError : public std::runtime_error
{
public:
  using std::runtime_error::runtime_error;
};

} // namespace ccaudit
