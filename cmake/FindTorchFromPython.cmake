# LibTorch comes from, in order: CMAKE_PREFIX_PATH / Torch_DIR (any LibTorch >= 2, e.g. an unzipped
# libtorch or a CUDA build), else the torch wheel in the project's Python environment
# (LORA_PYTHON, default $LORA_STUDIO_VENV/bin/python or /opt/lora-studio/venv/bin/python).
# Result: the INTERFACE target lora_torch (libraries, flags, link paths). Only core and tests link it.
if(DEFINED ENV{LORA_STUDIO_VENV})
  set(_lora_venv "$ENV{LORA_STUDIO_VENV}")
else()
  set(_lora_venv "/opt/lora-studio/venv")
endif()
set(LORA_PYTHON "${_lora_venv}/bin/python" CACHE FILEPATH "Python with torch, transformers and peft (reference tests)")

# A CUDA-enabled LibTorch probes the GPUs at configure time unless told which architectures to target;
# build machines have no GPU, and we compile no CUDA code ourselves.
if(NOT DEFINED TORCH_CUDA_ARCH_LIST AND NOT DEFINED ENV{TORCH_CUDA_ARCH_LIST})
  set(TORCH_CUDA_ARCH_LIST "8.0;9.0")
endif()

find_package(Torch 2 QUIET CONFIG)
if(NOT Torch_FOUND)
  if(NOT EXISTS "${LORA_PYTHON}")
    message(FATAL_ERROR "LibTorch not found and ${LORA_PYTHON} does not exist.\n"
                        "Run scripts/install-deps, or pass -DCMAKE_PREFIX_PATH=/path/to/libtorch.")
  endif()
  execute_process(
    COMMAND "${LORA_PYTHON}" -c "import torch.utils; print(torch.utils.cmake_prefix_path)"
    OUTPUT_VARIABLE _torch_prefix OUTPUT_STRIP_TRAILING_WHITESPACE
    RESULT_VARIABLE _torch_rc)
  if(NOT _torch_rc EQUAL 0)
    message(FATAL_ERROR "${LORA_PYTHON} cannot import torch. Run scripts/install-deps.")
  endif()
  list(APPEND CMAKE_PREFIX_PATH "${_torch_prefix}")
  find_package(Torch 2 REQUIRED CONFIG)
endif()
message(STATUS "LibTorch ${Torch_VERSION} from ${TORCH_INSTALL_PREFIX}")

add_library(lora_torch INTERFACE)
set(_torch_libs ${TORCH_LIBRARIES})
# A wheel's LibTorch depends on the CUDA libraries of the nvidia-* wheels beside it. The linker must find
# those, not an older system CUDA's (a system libnccl lacks symbols libtorch_cuda needs).
get_filename_component(_torch_site "${TORCH_INSTALL_PREFIX}/.." ABSOLUTE)
file(GLOB _nvidia_lib_dirs LIST_DIRECTORIES true "${_torch_site}/nvidia/*/lib")
if(_nvidia_lib_dirs)
  list(FILTER _torch_libs EXCLUDE REGEX "^/usr/local/cuda.*nvrtc")
  foreach(dir ${_nvidia_lib_dirs})
    target_link_options(lora_torch INTERFACE "LINKER:-rpath-link,${dir}")
  endforeach()
endif()
target_link_libraries(lora_torch INTERFACE ${_torch_libs})
separate_arguments(_torch_flags UNIX_COMMAND "${TORCH_CXX_FLAGS}")
target_compile_options(lora_torch INTERFACE ${_torch_flags})
