// The export table of the CPU flavour (myelin.node): JS name -> entry point. Nothing else lives here.
#include <napi.h>

#include "exports.h"
#include "../cpu/exports_cpu.h"

namespace {

Napi::Object RegisterExports(Napi::Env env, Napi::Object exports) {
  static const myelin::ExportRow kTable[] = {
      MYELIN_SHARED_ENTRIES(MYELIN_EXPORT_ROW){"binarySame", myelin::BinarySame},
      {"compileProgram", myelin::CompileProgram},
      {"runProgram", myelin::RunProgram},
      {"shuffleIndices", myelin::ShuffleIndices},
      {"trainEpochs", myelin::TrainEpochs},
      {"trainStepsAsync", myelin::TrainStepsAsync},
      {"trainEpochsAsync", myelin::TrainEpochsAsync},
      {"runBatchesAsync", myelin::RunBatchesAsync},
      {"parseCsvBlockAsync", myelin::ParseCsvBlockAsync},
      {"mpiInit", myelin::MpiInit},
      {"mpiAllReduceSum", myelin::MpiAllReduceSum},
      {"mpiBroadcast", myelin::MpiBroadcast},
      {"mpiAllGather", myelin::MpiAllGather},
      {"mpiBarrier", myelin::MpiBarrier},
      {"mpiFinalize", myelin::MpiFinalize},
      {"mpiSetTimeout", myelin::MpiSetTimeout},
      {"attachGradientSync", myelin::AttachGradientSync},
      {"gradientSyncStats", myelin::GradientSyncStats},
  };
  return myelin::export_rows(env, exports, kTable);
}

}  // namespace

NODE_API_MODULE(myelin, RegisterExports)
