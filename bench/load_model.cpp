// Times lora::Model::load on one model folder, in-process, and prints one JSON line per load.
// Driven by bench/load_model.py, which alternates it with transformers' from_pretrained on the same files.
#include "lora/model.h"

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>

int main(int argc, char** argv)
{
    if (argc < 2) {
        std::cerr << "usage: bench_load_model MODEL_DIR [REPEATS]\n";
        return 2;
    }
    const int repeats = argc > 2 ? std::atoi(argv[2]) : 1;
    for (int i = 0; i < repeats; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        auto model = lora::Model::load(argv[1]);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::cout << "{\"load_s\": " << seconds << ", \"parameters\": " << model->description().totalParameters
                  << "}" << std::endl;
    }
    return 0;
}
