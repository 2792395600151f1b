// SPDX-License-Identifier: MIT
/// @file fuse.cpp  The CPU backend's fused passes (detail/fuse.hpp): the pass loop over rows, and
/// a pass of one stage through that op's own launcher.
#include "imagecuda/detail/fuse.hpp"

#include "parallel.hpp"

namespace imagecuda::detail::host {
namespace {
void alone(Pitched<float4> img, const AdjustStage& st) { adjust_chain(img, AdjustChain::of(st.s)); }
template <class F>
void alone(Pitched<float4> img, const UpdateStage<F>& st) {
  update(img, st.f);
}
template <class F>
void alone(Pitched<float4> img, const GenerateStage<F>& st) {
  generate(img, st.f);
}
void alone(Pitched<float4> img, const CompositeStage& st) { blend_composite(img, st.overlay, st.mode, st.opacity); }
void alone(Pitched<float4> img, const MaskStage& st) { blend_mask(img, st.mask, st.f); }
void alone(Pitched<float4>, const EffectStage<Vignette>& st) { vignette(st.f); }
void alone(Pitched<float4>, const EffectStage<RoundedCorners>& st) { rounded_corners(st.f); }
void alone(Pitched<float4>, const EffectStage<ChromaKey>& st) { chroma_key(st.f); }
void alone(Pitched<float4> img, const ConvertStage& st) {
  convert(Pitched<const float4>{img.data, img.pitch, img.width, img.height}, st.dst);
}
}  // namespace

void launch_alone(const FusedPass& p) {
  visit_stage(p.stages[0], [&](const auto& st) { alone(p.img, st); });
}

void launch_fused(const FusedPass& pass) {
  parallel_rows(pass.img.height, std::size_t(pass.img.width), [&](int y0, int y1) {
    for (int y = y0; y < y1; ++y) {
      float4* row = pass.img.row(y);
      for (int x = 0; x < pass.img.width; ++x) {
        const float4 p = run_stages(pass, pass.load ? row[x] : make4(0.f, 0.f, 0.f, 0.f), x, y);
        if (pass.store) row[x] = p;
      }
    }
  });
}
}  // namespace imagecuda::detail::host
