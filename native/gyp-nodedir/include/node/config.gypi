# Build variables node-gyp reads from a --nodedir (see common.gypi next to this file): none are needed for a
# Node-API addon; node-gyp adds the target and host architecture itself.
{ 'variables': {} }
