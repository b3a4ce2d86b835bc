// One loader for the libraries the addon opens at run time instead of linking them (a CBLAS, MPI, cuBLAS,
// cuBLASLt, the CUDA driver), so that the addon loads on a machine without them. Given candidate files and the
// symbols to resolve, it opens the first candidate that exports every required symbol and fills the function
// pointers; each try leaves one line in `tried`, in one format for every library:
//   "<file>: loaded" | "<file>: dlopen failed: <what dlerror said>" | "<file>: exports no <symbol>"
// A library that loads is kept open for the life of the process (its functions may be called at any time).
#pragma once

#include <string>
#include <vector>

namespace myelin {

// One symbol to resolve and the pointer that receives its address; an optional one stays null when absent.
struct LibrarySymbol {
  const char* name;
  void** address;
  bool required;
};

// A function (or data) pointer to fill from the symbol `name`.
template <typename F>
LibrarySymbol library_symbol(const char* name, F* pointer, bool required = true) {
  static_assert(sizeof(F) == sizeof(void*), "a symbol fills one pointer");
  return LibrarySymbol{name, reinterpret_cast<void**>(pointer), required};
}

// One environment variable set only while a library loads, unless the user set it.
struct LoadEnv {
  const char* name;
  const char* value;
};

// How dlopen is asked (RTLD_NOW | RTLD_LOCAL unless `global`: MPI's plugins need its symbols global), and the
// environment variables set only while the library loads (e.g. OPENBLAS_THREAD_TIMEOUT), each unless the user set it.
struct LibraryOptions {
  bool global = false;
  std::vector<LoadEnv> loadEnv;
};

// The opened library: handle (nullptr when no candidate served) and the candidate that served.
struct OpenedLibrary {
  void* handle = nullptr;
  std::string file;
};

// Tries `candidates` in order and returns the first that loads and exports every required symbol of `symbols`
// (each address filled; optional ones null when absent). A candidate that loads but lacks a required symbol is
// closed again and the next one tried. Appends one line per try to *tried.
OpenedLibrary open_library(const std::vector<std::string>& candidates, const std::vector<LibrarySymbol>& symbols,
                           std::vector<std::string>* tried, const LibraryOptions& options = LibraryOptions());

// The lines of `tried` joined by "; " ("nothing tried" when empty).
std::string tries_text(const std::vector<std::string>& tried);

// The message of a library that none of the candidates provided:
//   "<what> could not be loaded (tries_text(tried)); <remedy>"
std::string library_error(const std::string& what, const std::vector<std::string>& tried, const std::string& remedy);

// Closes a library from open_library that turned out unusable (nothing of it may be in use); null is ignored.
void close_library(void* handle);

// True when `file` can be opened (RTLD_LAZY) at all; it is closed again (a probe for hints, e.g. the driver).
bool library_present(const char* file);

// The file a loaded symbol lives in (dladdr), or `fallback` when that cannot be told.
std::string library_path_of(void* symbol, const std::string& fallback);

}  // namespace myelin
