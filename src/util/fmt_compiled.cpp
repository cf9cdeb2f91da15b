// fmt's compiled part, built here from the installed headers: the binary then needs no
// libfmt.so, and with no shared C++ library left it does not load libstdc++.so either
// (see CMakeLists.txt: start-up is then what psql's is). These two instantiations are
// the ones the header leaves to the library.
#include <fmt/format-inl.h>

FMT_BEGIN_NAMESPACE
namespace detail {
template auto thousands_sep_impl<char>(locale_ref) -> thousands_sep_result<char>;
template auto decimal_point_impl<char>(locale_ref) -> char;
} // namespace detail
FMT_END_NAMESPACE
