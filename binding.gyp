{
  "targets": [
    {
      "target_name": "mlforge_native",
      "sources": [
        "<!@(node -p \"require('fs').readdirSync('native/addon').filter(f=>f.endsWith('.cc')).map(f=>'native/addon/'+f).join(' ')\")",
        "<!@(node -p \"require('fs').readdirSync('native/train').filter(f=>f.endsWith('.cc')).map(f=>'native/train/'+f).join(' ')\")",
        "<!@(node -p \"require('fs').readdirSync('native/kernels').filter(f=>f.endsWith('.c')).map(f=>'native/kernels/'+f).join(' ')\")"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "native/kernels", "native/train"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags": ["-O3", "-march=native", "-fopenmp", "-Wall", "-Wextra"],
      "cflags_cc": ["-O3", "-march=native", "-fopenmp", "-std=c++17", "-fexceptions"],
      "cflags_c": ["-std=c99"],
      "ldflags": ["-fopenmp"]
    }
  ]
}
