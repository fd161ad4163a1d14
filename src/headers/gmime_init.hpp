#pragma once

#include "headers/gmime_api.hpp"

namespace ccaudit::headers::detail {

// Initialises GMime once per process, before any worker thread uses it.
// Only this module's .cpp files call it: GMime stays inside headers/.
void init_gmime();

} // namespace ccaudit::headers::detail
