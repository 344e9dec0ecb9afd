// The machine's measured fp32 matrix-multiply rate through LibTorch (issue 8's "peak"): the ceiling every training
// benchmark's model FLOP/s is divided by. Times torch::mm at square sizes and at the shapes a LoRA step of the
// benchmark models runs (tokens x width x out), in the thread that sets the thread count, and prints one JSON line:
// every shape's GFLOP/s and the best of them as "peak_gflops".
//
//   bench_peak [--threads 2] [--repeats 8] [--shapes 2048x2048x2048,1024x768x3072,...]
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Shape {
    int64_t m, k, n;
};

std::vector<Shape> parseShapes(const std::string& text)
{
    std::vector<Shape> shapes;
    std::stringstream in(text);
    for (std::string item; std::getline(in, item, ',');) {
        Shape s{};
        char x1 = 0, x2 = 0;
        std::stringstream one(item);
        if (!(one >> s.m >> x1 >> s.k >> x2 >> s.n) || x1 != 'x' || x2 != 'x') {
            std::cerr << "bench_peak: bad shape '" << item << "' (want MxKxN)\n";
            std::exit(2);
        }
        shapes.push_back(s);
    }
    return shapes;
}

// Best of `repeats` timings of one product: the rate the machine can reach, not its average under other load.
double gflops(const Shape& s, int repeats)
{
    const auto a = torch::randn({s.m, s.k});
    const auto b = torch::randn({s.k, s.n});
    auto c = torch::mm(a, b);
    double best = 1e30;
    for (int i = 0; i < repeats; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        torch::mm_out(c, a, b);
        best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    return 2.0 * static_cast<double>(s.m * s.k * s.n) / best / 1e9;
}

}  // namespace

int main(int argc, char** argv)
{
    int threads = 2, repeats = 8;
    std::string shapes = "2048x2048x2048,1024x768x2304,1024x768x3072,1024x3072x768,1024x768x50257,1024x50257x768,"
                         "1024x576x1536,1024x1536x576,1024x576x49152";
    for (int i = 1; i < argc; ++i) {
        const std::string k = argv[i];
        if (i + 1 >= argc) {
            std::cerr << "usage: bench_peak [--threads N] [--repeats N] [--shapes MxKxN,...]\n";
            return 2;
        }
        const std::string v = argv[++i];
        if (k == "--threads") threads = std::stoi(v);
        else if (k == "--repeats") repeats = std::stoi(v);
        else if (k == "--shapes") shapes = v;
        else {
            std::cerr << "bench_peak: unknown option " << k << "\n";
            return 2;
        }
    }
    torch::set_num_threads(threads);
    torch::NoGradGuard noGrad;
    double peak = 0;
    std::ostringstream each;
    bool first = true;
    for (const auto& s : parseShapes(shapes)) {
        const double rate = gflops(s, repeats);
        peak = std::max(peak, rate);
        each << (first ? "" : ", ") << "\"" << s.m << "x" << s.k << "x" << s.n << "\": " << rate;
        first = false;
    }
    std::cout << "{\"threads\": " << at::get_num_threads() << ", \"peak_gflops\": " << peak << ", \"shapes\": {"
              << each.str() << "}}" << std::endl;
    return 0;
}
