// SPDX-License-Identifier: MIT
/// @file bench_text.cpp  text rows: a 40-character line at 48 px with a warm atlas (GPU time of
/// layout upload + compositing kernel; the host-side shaping is not in the event window) and a
/// 1080p card of 20 lines end to end (host clock: shaping, layout, upload, kernel, sync).
#if defined(IMAGECUDA_HAS_TEXT)

#include <memory>
#include <string>

#include "harness.hpp"

namespace {
using namespace imagecuda;

void text_cases(std::vector<bench::Case>& cases) {
  const std::string line = "The quick brown fox jumps over a lazy do";  // 40 characters
  const text::TextParams p48{.font = "DejaVu Sans", .size = 48, .color = rgba(1, 1, 1, 1)};
  const auto sz = text::measure(line, p48);
  auto dst = std::make_shared<ImageF32>(sz.width, sz.height, Device::cuda(0));
  auto ws = std::make_shared<Workspace>(Device::cuda(0));
  text::create(line, *dst, p48, {Stream{}, ws.get()});  // warm the atlas and the workspace
  Stream{}.synchronize();
  cases.push_back({"text", "line 40 chars 48px (warm atlas)", double(sz.width) * sz.height * 16,
                   [=](Stream s) { text::create(line, *dst, p48, {s, ws.get()}); }});

  std::string card;
  for (int i = 0; i < 20; ++i) card += "Line " + std::to_string(i + 10) + " of the card: quick brown fox jumps\n";
  card.pop_back();
  const text::TextParams pc{.font = "DejaVu Sans", .size = 44, .color = rgba(1, 1, 1, 1),
                            .bg_color = rgba(0.1f, 0.1f, 0.2f, 1.f), .align = text::TextAlign::center,
                            .max_width = 1920};
  const auto cs = text::measure(card, pc);
  auto card_dst = std::make_shared<ImageF32>(1920, 1080, Device::cuda(0));
  text::create(card, *card_dst, pc, {Stream{}, ws.get()});
  Stream{}.synchronize();
  bench::Case c{"text", "card 20 lines ~1080p end to end", double(cs.width) * cs.height * 16,
         [=](Stream s) {
           text::create(card, *card_dst, pc, {s, ws.get()});
           s.synchronize();
         }};
  c.host_timed = true;
  cases.push_back(c);
}
IMAGECUDA_BENCH("text", text_cases);
}  // namespace

#endif  // IMAGECUDA_HAS_TEXT
