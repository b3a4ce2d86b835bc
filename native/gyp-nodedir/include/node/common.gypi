# The node-gyp "nodedir" of myelin's offline builds (scripts/native-build.js passes --nodedir=native/gyp-nodedir).
# myelin uses Node-API only, so it needs no V8/libuv headers: binding.gyp adds node-api-headers' include dir and
# this file gives gyp the two configurations and the flags Node's own common.gypi would give an addon.
{
  'variables': {
    'clang%': 0,
    'visibility%': 'hidden',
    'node_shared%': 'false',
    'node_module_version%': '',
    'node_shared_openssl%': 'false',
    'openssl_fips%': '',
  },
  'target_defaults': {
    'default_configuration': 'Release',
    'configurations': {
      'Debug': { 'defines': ['DEBUG', '_DEBUG'], 'cflags': ['-g', '-O0'] },
      'Release': { 'cflags': ['-O3'], 'ldflags': ['-Wl,--gc-sections'] },
    },
    'conditions': [
      ['OS!="win" and OS!="mac"', {
        'cflags': ['-fPIC', '-pthread', '-Wall', '-Wextra', '-Wno-unused-parameter'],
        'cflags_cc': ['-fno-rtti', '-std=gnu++17'],
        'ldflags': ['-pthread'],
      }],
    ],
  },
}
