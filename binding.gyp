{
  "target_defaults": {
    "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "native/kernels"],
    "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED", "NAPI_CPP_EXCEPTIONS"],
    "cflags!": ["-fno-exceptions"],
    "cflags_cc!": ["-fno-exceptions"],
    "cflags": ["-O3", "-march=native", "-Wall", "-Wextra"],
    "cflags_c": ["-std=c99"],
    "cflags_cc": ["-std=c++17", "-fexceptions"]
  },
  "targets": [
    {
      "target_name": "mlforge_train",
      "sources": [
        "native/addon/train_api.cc",
        "<!@(node -p \"require('fs').readdirSync('native/train').filter(f=>f.endsWith('.cc')).map(f=>'native/train/'+f).join(' ')\")"
      ],
      "cflags": ["-fopenmp"],
      "ldflags": ["-fopenmp"]
    },
    {
      "target_name": "mlforge_int8",
      "sources": [
        "native/addon/int8_api.cc",
        "native/addon/int8_fixedpoint.cc",
        "<!@(node -p \"require('fs').readdirSync('native/kernels').filter(f=>f.endsWith('.c')).map(f=>'native/kernels/'+f).join(' ')\")"
      ]
    }
  ]
}
