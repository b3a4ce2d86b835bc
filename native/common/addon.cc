// The export table of the CPU flavour (myelin.node): JS name -> entry point. Nothing else lives here.
#include <napi.h>

#include "exports.h"
#include "../cpu/exports_cpu.h"

namespace {

Napi::Object RegisterExports(Napi::Env env, Napi::Object exports) {
  static const struct {
    const char* name;
    myelin::Entry fn;
  } kTable[] = {
      {"init", myelin::Init},
      {"fill", myelin::Fill},
      {"unary", myelin::Unary},
      {"unaryGrad", myelin::UnaryGrad},
      {"binary", myelin::Binary},
      {"binarySame", myelin::BinarySame},
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
      {"compileProgram", myelin::CompileProgram},
      {"runProgram", myelin::RunProgram},
      {"trainSteps", myelin::TrainSteps},
  };
  for (const auto& e : kTable) exports.Set(e.name, Napi::Function::New(env, e.fn, e.name));
  return exports;
}

}  // namespace

NODE_API_MODULE(myelin, RegisterExports)
