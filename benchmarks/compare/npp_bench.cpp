// SPDX-License-Identifier: MIT
/// @file npp_bench.cpp  NPP (the CUDA toolkit's image library) on the same 4K float32 RGBA work
/// as imagecuda_bench's rows, for issue #10's side-by-side table.
///
/// Method (the same as benchmarks/harness.cpp): one non-blocking stream, NppStreamContext on it,
/// 3 warm-up runs, then `reps` runs one by one with CUDA events around each; median and minimum.
/// Slow cases (NPP's 2-D gaussian at large radii) get fewer runs: reps is cut so that one case
/// takes about --budget seconds (default 2), never fewer than 5 runs.
///
/// Build (on the device; NPP ships with the toolkit):
///   nvcc -O2 -std=c++17 npp_bench.cpp -lnppif -lnppig -lnppial -lnppicc -lnppc -o /tmp/npp_bench
/// Usage: npp_bench [--reps N] [--budget SECONDS] [--out results.json]
///
/// Each row carries the imagecuda_bench row it compares with ("group | case").
#include <cuda_runtime.h>
#include <npp.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

namespace {

void check_cuda(cudaError_t e, const char* what) {
  if (e != cudaSuccess) {
    std::fprintf(stderr, "npp_bench: %s: %s\n", what, cudaGetErrorString(e));
    std::exit(2);
  }
}

void check_npp(NppStatus s, const char* what) {
  if (s < 0) {  // negative: error; positive: warning (printed once, still timed)
    std::fprintf(stderr, "npp_bench: %s failed with NppStatus %d\n", what, int(s));
    std::exit(3);
  }
  if (s > 0) std::fprintf(stderr, "npp_bench: %s: warning NppStatus %d\n", what, int(s));
}

struct Image {
  float* p = nullptr;
  int w = 0, h = 0;
  Image(int w_, int h_) : w(w_), h(h_) { check_cuda(cudaMalloc(&p, std::size_t(w) * h * 16), "cudaMalloc"); }
  ~Image() { cudaFree(p); }
  Image(const Image&) = delete;
  Image& operator=(const Image&) = delete;
  int step() const { return w * 16; }
  NppiSize size() const { return {w, h}; }
  NppiRect rect() const { return {0, 0, w, h}; }
};

/// The same generator as benchmarks/bench_blur.cpp: LCG, rgb in [0,1), alpha in [0.5,1).
void fill_random(Image& img, unsigned seed) {
  std::vector<float> host(std::size_t(img.w) * img.h * 4);
  unsigned s = seed;
  auto next = [&] { s = s * 1664525u + 1013904223u; return float(s >> 8) / float(1 << 24); };
  for (std::size_t i = 0; i < host.size(); i += 4) {
    host[i] = next();
    host[i + 1] = next();
    host[i + 2] = next();
    host[i + 3] = 0.5f + 0.5f * next();
  }
  check_cuda(cudaMemcpy(img.p, host.data(), host.size() * 4, cudaMemcpyHostToDevice), "upload");
}

/// The reference's gaussian weights (PYIMAGECUDA.md §2.7): k[i] = exp(-i^2 / (2 sigma^2)),
/// sigma = r / 3, normalised by k0 + 2 * sum k[i]; NPP takes the full 2r+1 taps.
std::vector<float> gauss_taps(int r) {
  const float sigma = float(r) / 3.0f;
  std::vector<float> k(r + 1);
  float sum = 0;
  for (int i = 0; i <= r; ++i) {
    k[i] = std::exp(-float(i * i) / (2 * sigma * sigma));
    sum += i == 0 ? k[i] : 2 * k[i];
  }
  std::vector<float> taps(2 * r + 1);
  for (int i = -r; i <= r; ++i) taps[i + r] = k[std::abs(i)] / sum;
  return taps;
}

struct Row {
  std::string name, ours, note;
  double median_us = 0, min_us = 0;
  int reps = 0;
};

}  // namespace

int main(int argc, char** argv) {
  int reps = 50;
  double budget_s = 2.0;
  std::string out_path;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--reps") && i + 1 < argc) reps = std::max(5, std::atoi(argv[++i]));
    else if (!std::strcmp(argv[i], "--budget") && i + 1 < argc) budget_s = std::atof(argv[++i]);
    else if (!std::strcmp(argv[i], "--out") && i + 1 < argc) out_path = argv[++i];
    else {
      std::fprintf(stderr, "usage: %s [--reps N] [--budget SECONDS] [--out results.json]\n", argv[0]);
      return 2;
    }
  }

  cudaStream_t stream;
  check_cuda(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), "cudaStreamCreate");
  NppStreamContext ctx{};
  ctx.hStream = stream;
  check_cuda(cudaGetDevice(&ctx.nCudaDeviceId), "cudaGetDevice");
  cudaDeviceProp prop{};
  check_cuda(cudaGetDeviceProperties(&prop, ctx.nCudaDeviceId), "cudaGetDeviceProperties");
  ctx.nMultiProcessorCount = prop.multiProcessorCount;
  ctx.nMaxThreadsPerMultiProcessor = prop.maxThreadsPerMultiProcessor;
  ctx.nMaxThreadsPerBlock = prop.maxThreadsPerBlock;
  ctx.nSharedMemPerBlock = prop.sharedMemPerBlock;
  ctx.nCudaDevAttrComputeCapabilityMajor = prop.major;
  ctx.nCudaDevAttrComputeCapabilityMinor = prop.minor;
  check_cuda(cudaStreamGetFlags(stream, &ctx.nStreamFlags), "cudaStreamGetFlags");
  const NppLibraryVersion* ver = nppGetLibVersion();

  const int w = 3840, h = 2160;
  Image src(w, h), src2(w, h), dst(2 * w, 2 * h);
  fill_random(src, 12345);
  fill_random(src2, 777);

  cudaEvent_t e0, e1;
  check_cuda(cudaEventCreate(&e0), "cudaEventCreate");
  check_cuda(cudaEventCreate(&e1), "cudaEventCreate");
  std::vector<Row> rows;

  auto time_case = [&](const std::string& name, const std::string& ours, const std::string& note,
                       const std::function<void()>& run) {
    for (int i = 0; i < 3; ++i) run();
    check_cuda(cudaStreamSynchronize(stream), "warm-up");
    // one timed run decides how many fit the budget
    check_cuda(cudaEventRecord(e0, stream), "record");
    run();
    check_cuda(cudaEventRecord(e1, stream), "record");
    check_cuda(cudaEventSynchronize(e1), "sync");
    float first_ms = 0;
    check_cuda(cudaEventElapsedTime(&first_ms, e0, e1), "elapsed");
    const int n = std::max(5, std::min(reps, int(budget_s * 1e3 / std::max(first_ms, 1e-3f))));
    std::vector<double> us;
    for (int i = 0; i < n; ++i) {
      check_cuda(cudaEventRecord(e0, stream), "record");
      run();
      check_cuda(cudaEventRecord(e1, stream), "record");
      check_cuda(cudaEventSynchronize(e1), "sync");
      float ms = 0;
      check_cuda(cudaEventElapsedTime(&ms, e0, e1), "elapsed");
      us.push_back(ms * 1e3);
    }
    std::sort(us.begin(), us.end());
    Row r{name, ours, note, us[us.size() / 2], us.front(), n};
    std::printf("| %s | %s | %.1f | %.1f | %d | %s |\n", r.name.c_str(), r.ours.c_str(), r.median_us, r.min_us, r.reps,
                r.note.c_str());
    std::fflush(stdout);
    rows.push_back(r);
  };

  std::printf("GPU: %s (sm_%d%d), NPP %d.%d.%d; median of up to %d runs after 3 warm-ups, CUDA events, "
              "4K = 3840x2160 float32 RGBA (C4, 16 B/px)\n\n",
              prop.name, prop.major, prop.minor, ver->major, ver->minor, ver->build, reps);
  std::printf("| NPP case | imagecuda row | median µs | min µs | runs | note |\n|---|---|---:|---:|---:|---|\n");

  // --- gaussian: the reference's weights, 2r+1 taps, replicate border (= clamp to edge) ---
  for (int r : {3, 10, 24, 50}) {
    const auto taps = gauss_taps(r);
    float* d_taps = nullptr;
    check_cuda(cudaMalloc(&d_taps, taps.size() * 4), "cudaMalloc taps");
    check_cuda(cudaMemcpy(d_taps, taps.data(), taps.size() * 4, cudaMemcpyHostToDevice), "taps");
    time_case("nppiFilterGaussAdvancedBorder_32f_C4R r=" + std::to_string(r) + " 4K",
              "filter | gaussian_blur r=" + std::to_string(r) + " 4K",
              std::to_string(2 * r + 1) + " taps, sigma=r/3, NPP_BORDER_REPLICATE", [&] {
                check_npp(nppiFilterGaussAdvancedBorder_32f_C4R_Ctx(src.p, src.step(), src.size(), {0, 0}, dst.p,
                                                                    w * 16, {w, h}, int(taps.size()), d_taps,
                                                                    NPP_BORDER_REPLICATE, ctx),
                          "nppiFilterGaussAdvancedBorder_32f_C4R");
              });
    check_cuda(cudaFree(d_taps), "cudaFree taps");
  }

  // --- resize ---
  auto resize = [&](const char* name, const char* ours, int dw, int dh, int mode) {
    time_case(name, ours, "nppiResize_32f_C4R, whole image", [&] {
      check_npp(nppiResize_32f_C4R_Ctx(src.p, src.step(), src.size(), src.rect(), dst.p, dw * 16, {dw, dh},
                                       {0, 0, dw, dh}, mode, ctx),
                name);
    });
  };
  resize("resize bilinear 0.5x 4K", "resize | bilinear 0.5x 4K antialias=false", w / 2, h / 2, NPPI_INTER_LINEAR);
  // SUPER is NPP's area (box) reduction: the counterpart of resize::area (until session 5 it was
  // paired with the antialiased bilinear, a tent filter twice as wide, for want of an area filter).
  resize("resize super 0.5x 4K", "resize | area 0.5x 4K", w / 2, h / 2, NPPI_INTER_SUPER);
  resize("resize super 4K -> 960x540", "resize | area 4K -> 960x540 (4:1 blocks)", w / 4, h / 4, NPPI_INTER_SUPER);
  resize("resize bicubic 2x 4K", "resize | bicubic 2x 4K", 2 * w, 2 * h, NPPI_INTER_CUBIC);
  resize("resize lanczos 2x 4K", "resize | lanczos 2x 4K", 2 * w, 2 * h, NPPI_INTER_LANCZOS);
  resize("resize bilinear 2x 4K", "resize | bilinear 2x 4K", 2 * w, 2 * h, NPPI_INTER_LINEAR);

  // --- rotate 30 degrees about the centre, same canvas, bilinear ---
  {
    double quad[4][2];
    check_npp(nppiGetRotateQuad(src.rect(), quad, 30.0, 0.0, 0.0), "nppiGetRotateQuad");
    const double qcx = (quad[0][0] + quad[1][0] + quad[2][0] + quad[3][0]) / 4;
    const double qcy = (quad[0][1] + quad[1][1] + quad[2][1] + quad[3][1]) / 4;
    const double sx = w / 2.0 - qcx, sy = h / 2.0 - qcy;
    auto rot = [&] {
      check_npp(nppiRotate_32f_C4R_Ctx(src.p, src.size(), src.step(), src.rect(), dst.p, w * 16, {0, 0, w, h}, 30.0,
                                       sx, sy, NPPI_INTER_LINEAR, ctx),
                "nppiRotate_32f_C4R");
    };
    // Does NPP write the pixels outside the rotated quad? Fill dst with a sentinel, rotate once,
    // look at the corner (0,0), which the rotated 4K frame does not cover.
    check_cuda(cudaMemsetAsync(dst.p, 0x7f, std::size_t(w) * h * 16, stream), "memset");
    rot();
    float corner[4], centre[4];
    check_cuda(cudaStreamSynchronize(stream), "sync");
    check_cuda(cudaMemcpy(corner, dst.p, 16, cudaMemcpyDeviceToHost), "corner");
    check_cuda(cudaMemcpy(centre, dst.p + (std::size_t(h / 2) * w + w / 2) * 4, 16, cudaMemcpyDeviceToHost), "centre");
    unsigned bits;
    std::memcpy(&bits, corner, 4);
    const bool writes_outside = bits != 0x7f7f7f7fu;
    std::fprintf(stderr, "npp_bench: rotate: corner pixel after one call %s (centre %.3f %.3f %.3f %.3f)\n",
                 writes_outside ? "was written" : "kept the sentinel: NPP leaves pixels outside the quad untouched",
                 centre[0], centre[1], centre[2], centre[3]);
    const std::string outside = writes_outside ? "NPP writes pixels outside the quad" : "NPP leaves pixels outside the quad untouched";
    time_case("rotate 30 bilinear 4K same canvas", "transform | rotate 30 bilinear 4K expand=false", outside, rot);
    if (!writes_outside)
      time_case("rotate 30 bilinear 4K same canvas + clear", "transform | rotate 30 bilinear 4K expand=false",
                "cudaMemsetAsync of the canvas, then the rotate (imagecuda clears outside pixels)", [&] {
                  check_cuda(cudaMemsetAsync(dst.p, 0, std::size_t(w) * h * 16, stream), "memset");
                  rot();
                });
  }

  // --- alpha over (float C4 exists: AC4R = alpha in channel 4) ---
  time_case("nppiAlphaComp_32f_AC4R OVER 4K", "blend | normal 4K over 4K",
            "src2 over src1 -> dst (out of place; imagecuda writes the base in place: same 3 passes of memory)", [&] {
              check_npp(nppiAlphaComp_32f_AC4R_Ctx(src2.p, src2.step(), src.p, src.step(), dst.p, w * 16, {w, h},
                                                   NPPI_OP_ALPHA_OVER, ctx),
                        "nppiAlphaComp_32f_AC4R");
            });

  // --- colour twist: the sepia matrix at intensity 0.7 (what imagecuda's "sepia 4K" row does) ---
  {
    const float S[3][3] = {{0.393f, 0.769f, 0.189f}, {0.349f, 0.686f, 0.168f}, {0.272f, 0.534f, 0.131f}};
    const float in = 0.7f;
    Npp32f m[3][4];
    for (int i = 0; i < 3; ++i) {
      for (int j = 0; j < 3; ++j) m[i][j] = (i == j ? 1.f - in : 0.f) + in * S[i][j];
      m[i][3] = 0.f;
    }
    time_case("nppiColorTwist_32f_AC4IR 4K (sepia matrix)", "filter | sepia 4K", "in place, alpha untouched", [&] {
      check_npp(nppiColorTwist_32f_AC4IR_Ctx(src.p, src.step(), {w, h}, m, ctx), "nppiColorTwist_32f_AC4IR");
    });
    time_case("nppiColorTwist_32f_C4R 4K (sepia matrix)", "filter | sepia 4K", "out of place, alpha copied", [&] {
      check_npp(nppiColorTwist_32f_C4R_Ctx(src.p, src.step(), dst.p, w * 16, {w, h}, m, ctx),
                "nppiColorTwist_32f_C4R");
    });
  }

  if (!out_path.empty()) {
    std::string js = "{\n  \"gpu\": \"" + std::string(prop.name) + "\",\n  \"npp\": \"" + std::to_string(ver->major) +
                     "." + std::to_string(ver->minor) + "." + std::to_string(ver->build) + "\",\n  \"rows\": [\n";
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const Row& r = rows[i];
      char buf[1024];
      std::snprintf(buf, sizeof buf,
                    "    {\"name\": \"%s\", \"ours\": \"%s\", \"median_us\": %.2f, \"min_us\": %.2f, \"reps\": %d, "
                    "\"note\": \"%s\"}%s\n",
                    r.name.c_str(), r.ours.c_str(), r.median_us, r.min_us, r.reps, r.note.c_str(),
                    i + 1 < rows.size() ? "," : "");
      js += buf;
    }
    js += "  ]\n}\n";
    std::ofstream(out_path) << js;
  }
  cudaEventDestroy(e0);
  cudaEventDestroy(e1);
  cudaStreamDestroy(stream);
  return 0;
}
