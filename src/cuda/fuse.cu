// SPDX-License-Identifier: MIT
/// @file fuse.cu  Per-pixel fusion in a Graph recording: the thread's pending pass, its hazards,
/// and the kernel that runs a pass (detail/fuse.hpp says what may join a pass).
#include <utility>

#include "core/fuse_scope.hpp"
#include "imagecuda/detail/fuse.hpp"
#include "launch.cuh"

namespace imagecuda::detail {
namespace {

// -------------------------------------------------------------------------------------------------
// The kernel: 32x8 threads over 64x8 pixels, two per thread (x and x + 32, both coalesced), as
// adjust::chain's kernel: the stage dispatch is shared by two pixels and two loads are in flight.
// -------------------------------------------------------------------------------------------------
__global__ void __launch_bounds__(cuda::block_x* cuda::block_y) fused_kernel(const FusedPass pass) {
  const int x0 = blockIdx.x * (2 * cuda::block_x) + threadIdx.x;
  const int x1 = x0 + cuda::block_x;
  const int y = blockIdx.y * cuda::block_y + threadIdx.y;
  if (y >= pass.img.height || x0 >= pass.img.width) return;
  float4* row = pass.img.row(y);
  const bool two = x1 < pass.img.width;
  float4 a = make4(0.f, 0.f, 0.f, 0.f), b = a;
  if (pass.load) {
    a = row[x0];
    if (two) b = row[x1];
  }
  for (int i = 0; i < pass.count; ++i)
    visit_stage(pass.stages[i], [&](const auto& st) {
      a = st(a, x0, y);
      if (two) b = st(b, x1, y);  // a stage may write another image (io::convert): never past the edge
    });
  if (pass.store) {
    row[x0] = a;
    if (two) row[x1] = b;
  }
}

// What a stage reads and writes besides its view, and whether it fills or only reads the pixel.
template <class T>
MemRange stage_reads(const T& t) { if constexpr (requires { t.reads(); }) return t.reads(); else return {}; }
template <class T>
MemRange stage_writes(const T& t) { if constexpr (requires { t.writes(); }) return t.writes(); else return {}; }
template <class T>
constexpr bool stage_generates() { if constexpr (requires { T::generates; }) return T::generates; else return false; }
template <class T>
constexpr bool stage_emits() { if constexpr (requires { T::emits; }) return T::emits; else return false; }

// -------------------------------------------------------------------------------------------------
// The recorder: one per recording thread (FuseScope), holding at most one pending pass.
// -------------------------------------------------------------------------------------------------
struct Recorder {
  cudaStream_t stream = nullptr;
  int device = -1;    // the recording's CUDA device: current while a pass is launched
  bool host = false;  // a CPU recording: passes run on the CPU backend
  bool pending = false;
  bool suspended = false;  // launching a one-stage pass through the op's own launcher
  FusedPass pass{};
  MemRange view{};  // the pass's pixels (written when pass.store)
  MemRange reads[FusedPass::max_stages]{};
  MemRange writes[FusedPass::max_stages]{};
  int n_reads = 0, n_writes = 0;
  std::size_t ops_fused = 0;  // ops that ran inside a pass of two or more
  Recorder* previous = nullptr;

  bool any_overlap(const MemRange* list, int n, MemRange r) const {
    for (int i = 0; i < n; ++i)
      if (list[i].overlaps(r)) return true;
    return false;
  }

  void flush() {
    if (!pending) return;
    pending = false;  // first: a failing launch must not leave the pass behind
    const FusedPass p = pass;
    // An op of another device ends the pass under its own device guard: launch under ours.
    struct Restore {
      int previous;
      ~Restore() { restore_device(previous); }
    } restore{host ? -1 : make_device_current(device, "Graph (fused per-pixel pass)")};
    if (p.count == 1) {
      suspended = true;
      struct Resume {
        bool& s;
        ~Resume() { s = false; }
      } resume{suspended};
      host ? host::launch_alone(p) : cuda::launch_alone(p, stream);
      return;
    }
    ops_fused += std::size_t(p.count);
    host ? host::launch_fused(p) : cuda::launch_fused(p, stream);
  }

  void start(Pitched<float4> img) {
    pending = true;
    pass = FusedPass{};
    pass.img = img;
    pass.load = true;
    pass.store = false;
    view = mem_range(img);
    n_reads = n_writes = 0;
  }

  bool same_view(Pitched<float4> img) const {
    return pass.img.data == img.data && pass.img.pitch == img.pitch && pass.img.width == img.width &&
           pass.img.height == img.height;
  }

  template <class T>
  bool take(Pitched<float4> img, const Stage& stage, const T& st) {
    const MemRange r = stage_reads(st), w = stage_writes(st), v = mem_range(img);
    if (w.overlaps(v)) {  // an op writing its own pixels elsewhere: not per-pixel in this sense
      flush();
      return false;
    }
    const bool join = pending && same_view(img) && pass.count < FusedPass::max_stages &&
                      !(pass.store && r.overlaps(view)) && !any_overlap(writes, n_writes, r) &&
                      !any_overlap(reads, n_reads, w) && !any_overlap(writes, n_writes, w);
    if (!join) {
      flush();
      start(img);
    }
    if (pass.count == 0 && stage_generates<T>()) pass.load = false;
    if (!stage_emits<T>()) pass.store = true;
    if (!r.empty()) reads[n_reads++] = r;
    if (!w.empty()) writes[n_writes++] = w;
    pass.stages[pass.count++] = stage;
    return true;
  }
};

thread_local Recorder* g_recorder = nullptr;

}  // namespace

namespace cuda {
namespace {
// A pass of one stage runs that op's own kernel (rounded_corners visits only the corners, and
// io::convert alone writes nothing back).
constexpr const char* fused_op = "Graph (fused per-pixel pass)";
void alone(Pitched<float4> img, const AdjustStage& st, cudaStream_t s) {
  adjust_chain(img, AdjustChain::of(st.s), s, fused_op);
}
template <class F>
void alone(Pitched<float4> img, const UpdateStage<F>& st, cudaStream_t s) {
  update(img, st.f, s, fused_op);
}
template <class F>
void alone(Pitched<float4> img, const GenerateStage<F>& st, cudaStream_t s) {
  generate(img, st.f, s, fused_op);
}
void alone(Pitched<float4> img, const CompositeStage& st, cudaStream_t s) {
  blend_composite(img, st.overlay, st.mode, st.opacity, s);
}
void alone(Pitched<float4> img, const MaskStage& st, cudaStream_t s) {
  blend_mask(img, st.mask, st.f, s);
}
void alone(Pitched<float4>, const EffectStage<Vignette>& st, cudaStream_t s) { vignette(st.f, s); }
void alone(Pitched<float4>, const EffectStage<RoundedCorners>& st, cudaStream_t s) {
  rounded_corners(st.f, s);
}
void alone(Pitched<float4>, const EffectStage<ChromaKey>& st, cudaStream_t s) { chroma_key(st.f, s); }
void alone(Pitched<float4> img, const ConvertStage& st, cudaStream_t s) {
  convert(Pitched<const float4>{img.data, img.pitch, img.width, img.height}, st.dst, s);
}

}  // namespace

void launch_alone(const FusedPass& p, cudaStream_t s) {
  visit_stage(p.stages[0], [&](const auto& st) { alone(p.img, st, s); });
}

void launch_fused(const FusedPass& pass, cudaStream_t s) {
  if (pass.img.width <= 0 || pass.img.height <= 0 || pass.count <= 0) return;
  const dim3 grid((pass.img.width + 2 * block_x - 1) / (2 * block_x), (pass.img.height + block_y - 1) / block_y);
  fused_kernel<<<grid, dim3(block_x, block_y), 0, s>>>(pass);
  check_launch(fused_op);
}
}  // namespace cuda

namespace fusion {
void barrier() {
  Recorder* r = g_recorder;
  if (r != nullptr && r->pending && !r->suspended) r->flush();
}

namespace {
bool take_on(Recorder* r, bool host, cudaStream_t stream, Pitched<float4> img, const Stage& stage) {
  if (r == nullptr || r->suspended) return false;
  if (host != r->host || stream != r->stream || img.width <= 0 || img.height <= 0) {
    r->flush();
    return false;
  }
  bool taken = false;
  visit_stage(stage, [&](const auto& st) { taken = r->take(img, stage, st); });
  return taken;
}
}  // namespace

bool take(cudaStream_t stream, Pitched<float4> img, const Stage& stage) {
  return take_on(g_recorder, false, stream, img, stage);
}
bool take(Pitched<float4> img, const Stage& stage) { return take_on(g_recorder, true, nullptr, img, stage); }
}  // namespace fusion

FuseScope::FuseScope(cudaStream_t stream, int cuda_device) : recorder_(new Recorder) {
  auto* r = static_cast<Recorder*>(recorder_);
  r->stream = stream;
  r->device = cuda_device;
  r->host = cuda_device < 0;
  r->previous = std::exchange(g_recorder, r);
}
FuseScope::~FuseScope() {
  auto* r = static_cast<Recorder*>(recorder_);
  g_recorder = r->previous;  // a pass still pending (the recording threw) is dropped
  delete r;
}
void FuseScope::finish() {
  auto* r = static_cast<Recorder*>(recorder_);
  r->flush();
}
std::size_t FuseScope::ops_fused() const noexcept { return static_cast<const Recorder*>(recorder_)->ops_fused; }

}  // namespace imagecuda::detail
