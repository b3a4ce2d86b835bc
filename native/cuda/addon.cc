// The export table of the CUDA flavour (myelin_cuda.node): JS name -> entry point. Nothing else lives here.
#include <napi.h>

#include "../common/exports.h"
#include "exports_cuda.h"

namespace {

Napi::Object RegisterExports(Napi::Env env, Napi::Object exports) {
  static const struct {
    const char* name;
    myelin::Entry fn;
  } kTable[] = {
      {"init", myelin::Init},
      {"alloc", myelin::Alloc},
      {"upload", myelin::Upload},
      {"download", myelin::Download},
      {"free", myelin::Free},
      {"length", myelin::Length},
      {"fill", myelin::Fill},
      {"memoryInfo", myelin::MemoryInfo},
      {"synchronize", myelin::Synchronize},
      {"emptyCache", myelin::EmptyCache},
      {"unary", myelin::Unary},
      {"unaryGrad", myelin::UnaryGrad},
      {"binary", myelin::Binary},
      {"reduce", myelin::Reduce},
      {"softmax", myelin::Softmax},
      {"softmaxGrad", myelin::SoftmaxGrad},
      {"gemm", myelin::Gemm},
      {"copyStrided", myelin::CopyStrided},
      {"gatherRows", myelin::GatherRows},
      {"scatterAddRows", myelin::ScatterAddRows},
      {"sgdStep", myelin::SgdStep},
      {"adamStep", myelin::AdamStep},
      {"adagradStep", myelin::AdagradStep},
      {"rmspropStep", myelin::RmspropStep},
      {"denseForward", myelin::DenseForward},
      {"softmaxCrossEntropy", myelin::SoftmaxCrossEntropy},
      {"softmaxCrossEntropyGrad", myelin::SoftmaxCrossEntropyGrad},
      {"graphBegin", myelin::GraphBegin},
      {"graphEnd", myelin::GraphEnd},
      {"graphLaunch", myelin::GraphLaunch},
      {"graphRelease", myelin::GraphRelease},
      {"graphNodes", myelin::GraphNodes},
      {"trainSteps", myelin::TrainSteps},
      {"internals", myelin::Internals},
  };
  for (const auto& e : kTable) exports.Set(e.name, Napi::Function::New(env, e.fn, e.name));
  return exports;
}

}  // namespace

NODE_API_MODULE(myelin_cuda, RegisterExports)
