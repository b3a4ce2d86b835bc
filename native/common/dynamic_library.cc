#include "dynamic_library.h"

#include <dlfcn.h>

#include <cstdlib>

namespace myelin {

namespace {

// dlopen with the options' flags and load-time environment variables (removed again afterwards, so that child
// processes do not inherit it).
void* open_with(const std::string& file, const LibraryOptions& options) {
  std::vector<const char*> set;
  for (const LoadEnv& e : options.loadEnv)
    if (std::getenv(e.name) == nullptr && setenv(e.name, e.value, 0) == 0) set.push_back(e.name);
  void* handle = dlopen(file.c_str(), RTLD_NOW | (options.global ? RTLD_GLOBAL : RTLD_LOCAL));
  for (const char* name : set) unsetenv(name);
  return handle;
}

}  // namespace

OpenedLibrary open_library(const std::vector<std::string>& candidates, const std::vector<LibrarySymbol>& symbols,
                           std::vector<std::string>* tried, const LibraryOptions& options) {
  for (const std::string& file : candidates) {
    void* handle = open_with(file, options);
    if (handle == nullptr) {
      const char* why = dlerror();
      tried->push_back(file + ": dlopen failed: " + (why != nullptr ? why : "unknown error"));
      continue;
    }
    const char* missing = nullptr;
    for (const LibrarySymbol& s : symbols) {
      if (s.required && dlsym(handle, s.name) == nullptr) {
        missing = s.name;
        break;
      }
    }
    if (missing != nullptr) {
      tried->push_back(file + ": exports no " + missing);
      dlclose(handle);
      continue;
    }
    for (const LibrarySymbol& s : symbols) *s.address = dlsym(handle, s.name);
    tried->push_back(file + ": loaded");
    return OpenedLibrary{handle, file};
  }
  return OpenedLibrary{};
}

std::string tries_text(const std::vector<std::string>& tried) {
  std::string list;
  for (const std::string& t : tried) list += (list.empty() ? "" : "; ") + t;
  return list.empty() ? "nothing tried" : list;
}

std::string library_error(const std::string& what, const std::vector<std::string>& tried, const std::string& remedy) {
  return what + " could not be loaded (" + tries_text(tried) + "); " + remedy;
}

void close_library(void* handle) {
  if (handle != nullptr) dlclose(handle);
}

bool library_present(const char* file) {
  void* handle = dlopen(file, RTLD_LAZY | RTLD_LOCAL);
  if (handle == nullptr) return false;
  dlclose(handle);
  return true;
}

std::string library_path_of(void* symbol, const std::string& fallback) {
  Dl_info where;
  return dladdr(symbol, &where) != 0 && where.dli_fname != nullptr ? std::string(where.dli_fname) : fallback;
}

}  // namespace myelin
