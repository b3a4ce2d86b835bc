// The export table of the CUDA flavour (myelin_cuda.node): JS name -> entry point. Nothing else lives here.
#include <napi.h>

#include "../common/exports.h"
#include "exports_cuda.h"

namespace {

Napi::Object RegisterExports(Napi::Env env, Napi::Object exports) {
  static const myelin::ExportRow kTable[] = {
      MYELIN_SHARED_ENTRIES(MYELIN_EXPORT_ROW){"alloc", myelin::Alloc},
      {"upload", myelin::Upload},
      {"ncclUniqueId", myelin::NcclUniqueId},
      {"ncclInitRank", myelin::NcclInitRank},
      {"ncclAllReduceSum", myelin::NcclAllReduceSum},
      {"ncclBroadcast", myelin::NcclBroadcast},
      {"ncclDestroy", myelin::NcclDestroy},
      {"download", myelin::Download},
      {"free", myelin::Free},
      {"length", myelin::Length},
      {"memoryInfo", myelin::MemoryInfo},
      {"synchronize", myelin::Synchronize},
      {"markStream", myelin::MarkStream},
      {"markReached", myelin::MarkReached},
      {"emptyCache", myelin::EmptyCache},
      {"profiler", myelin::Profiler},
      {"graphBegin", myelin::GraphBegin},
      {"graphEnd", myelin::GraphEnd},
      {"graphLaunch", myelin::GraphLaunch},
      {"graphRelease", myelin::GraphRelease},
      {"graphNodes", myelin::GraphNodes},
      {"internals", myelin::Internals},
  };
  return myelin::export_rows(env, exports, kTable);
}

}  // namespace

NODE_API_MODULE(myelin_cuda, RegisterExports)
