{
  "targets": [
    {
      "target_name": "myelin",
      "sources": [
        "native/common/addon.cc",
        "native/common/args.cc",
        "native/common/dynamic_library.cc",
        "native/common/thread_pool.cc",
        "native/common/train_steps_args.cc",
        "native/cpu/async_job.cc",
        "native/cpu/attention.cc",
        "native/cpu/blas_loader.cc",
        "native/cpu/conv.cc",
        "native/cpu/data_movement.cc",
        "native/cpu/dense.cc",
        "native/cpu/dropout.cc",
        "native/cpu/elementwise.cc",
        "native/cpu/embedding.cc",
        "native/cpu/entries.cc",
        "native/cpu/gemm.cc",
        "native/cpu/gemm_builtin.cc",
        "native/cpu/gemm_small.cc",
        "native/cpu/info.cc",
        "native/cpu/layer_norm.cc",
        "native/cpu/mpi_comm.cc",
        "native/cpu/gradient_sync.cc",
        "native/cpu/noise.cc",
        "native/cpu/optimizers.cc",
        "native/cpu/pooling.cc",
        "native/cpu/program.cc",
        "native/cpu/recurrent.cc",
        "native/cpu/lstm_sequence.cc",
        "native/cpu/reduce.cc",
        "native/cpu/run_batches.cc",
        "native/cpu/softmax.cc",
        "native/cpu/cast.cc",
        "native/cpu/shuffle.cc",
        "native/cpu/csv_parse.cc",
        "native/cpu/sigmoid_xent.cc",
        "native/cpu/train_epochs.cc",
        "native/cpu/train_steps.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!(node -p \"require('node-api-headers').include_dir\")"
      ],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=gnu++20"],
      "cflags_cc": ["-std=c++17", "-O3", "-fexceptions", "-fopenmp-simd", "-fno-math-errno", "-ffp-contract=off", "-fvisibility=hidden"],
      "libraries": ["-ldl", "-lpthread"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "MACOSX_DEPLOYMENT_TARGET": "11.0",
        "OTHER_CPLUSPLUSFLAGS": ["-O3", "-fopenmp-simd", "-fno-math-errno", "-ffp-contract=off"]
      }
    }
  ]
}
