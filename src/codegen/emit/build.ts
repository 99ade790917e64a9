/**
 * Build files of a C export: a Makefile (host `cc` by default; any compiler
 * via CC/CFLAGS, e.g. `make CC=arm-none-eabi-gcc CFLAGS="-mcpu=cortex-m4
 * -mthumb -O2" lib`) and a CMakeLists.txt (a static library target
 * `mlforge_model`, plus the example when built on its own).
 */
import { DSP_DIR, DSP_NAME, dspSourcesFor } from './features.js';
import type { CModel } from './types.js';

/** Preprocessor definitions every build of the export uses. */
export function exportDefines(m: CModel): string[] {
  return [`MLFORGE_ROUNDING=${m.prepared.rounding === 'single' ? 'MLF_ROUND_SINGLE' : 'MLF_ROUND_DOUBLE'}`];
}

export function librarySources(m: CModel): string[] {
  const dsp = dspSourcesFor(m).filter((f) => f.endsWith('.c'));
  return ['model.c', ...m.kernelSources.map((f) => `kernels/${f}`), ...(dsp.length ? [`${DSP_NAME}.c`, ...dsp.map((f) => `${DSP_DIR}/${f}`)] : [])];
}

/** Include folders of the export, relative to it. */
export function includeDirs(m: CModel): string[] {
  return ['.', 'kernels', ...(m.frontEnd?.features ? [DSP_DIR] : [])];
}

export function emitMakefile(m: CModel): string {
  const defs = exportDefines(m).map((d) => `-D${d}`).join(' ');
  return `# Makefile — ${m.name}, exported by MLForge ${m.version}.
# make            library + example for this machine (cc), then ./example/main
# make lib        only libmlforge_model.a
# Cross: make CC=arm-none-eabi-gcc AR=arm-none-eabi-ar CFLAGS="-mcpu=cortex-m4 -mthumb -O2" lib

CFLAGS ?= -O2
WARNINGS = -std=c99 -Wall -Wextra -Werror
CPPFLAGS += ${includeDirs(m).map((d) => `-I${d}`).join(' ')} ${defs}
LDLIBS += -lm

SRCS = ${librarySources(m).join(' \\\n       ')}
OBJS = $(SRCS:.c=.o)

all: lib example/main

lib: libmlforge_model.a

libmlforge_model.a: $(OBJS)
\t$(AR) rcs $@ $^

%.o: %.c
\t$(CC) $(WARNINGS) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

example/main: example/main.o libmlforge_model.a
\t$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

run: example/main
\t./example/main

clean:
\trm -f $(OBJS) example/main.o example/main libmlforge_model.a

.PHONY: all lib run clean
`;
}

export function emitCMakeLists(m: CModel): string {
  const defs = exportDefines(m).join(' ');
  return `# CMakeLists.txt — ${m.name}, exported by MLForge ${m.version}.
# As a library: add_subdirectory(<this folder>) and link mlforge_model.
# On its own: cmake -B build && cmake --build build && ./build/mlforge_example
cmake_minimum_required(VERSION 3.13)
project(mlforge_model C)

set(CMAKE_C_STANDARD 99)
set(CMAKE_C_STANDARD_REQUIRED ON)
set(CMAKE_C_EXTENSIONS OFF)

add_library(mlforge_model STATIC
  ${librarySources(m).join('\n  ')}
)
target_include_directories(mlforge_model PUBLIC ${includeDirs(m).map((d) => (d === '.' ? '\${CMAKE_CURRENT_SOURCE_DIR}' : `\${CMAKE_CURRENT_SOURCE_DIR}/${d}`)).join(' ')})
target_compile_definitions(mlforge_model PUBLIC ${defs})
if(CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
  target_compile_options(mlforge_model PRIVATE -Wall -Wextra)
endif()
find_library(MLFORGE_LIBM m)
if(MLFORGE_LIBM)
  target_link_libraries(mlforge_model PUBLIC \${MLFORGE_LIBM})
endif()

if(CMAKE_SOURCE_DIR STREQUAL CMAKE_CURRENT_SOURCE_DIR)
  add_executable(mlforge_example example/main.c)
  target_link_libraries(mlforge_example PRIVATE mlforge_model)
endif()
`;
}
