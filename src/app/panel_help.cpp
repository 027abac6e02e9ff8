#include "panel_help.hpp"

#include <utility>

namespace vitopo::app {

namespace {

constexpr std::pair<std::string_view, std::string_view> helps[] = {
    {"image",
     "The image as the model saw it, cut into patches: each patch is a token. Lines join tokens whose\n"
     "attention rows are closer than ε (the 1-skeleton). Hover a patch to see where it looks: its\n"
     "attention row, a probability distribution over all tokens, drawn as a heatmap. Beside it, the\n"
     "original as loaded: the model only sees the reduced version (28 x 28 grayscale for the default model)."},
    {"head-grid",
     "One cell per head of every layer, coloured by a summary of its topology (for example its number of\n"
     "H1 bars: loops). Click a cell to look at that head everywhere else."},
    {"settings",
     "How tokens become points: the distance between attention rows (Jensen–Shannon by default), which\n"
     "rows are used, and up to which dimension homology is computed. Changing them re-analyses every head."},
    {"skeleton",
     "The tokens as points, two joined when their distance is at most ε. Groups of joined points are\n"
     "components (H0); a ring of edges around a hole is a loop (H1). Play sweeps ε from 0 upwards:\n"
     "components merge, loops appear and are filled in. With Triangles on, each triple of tokens all\n"
     "within ε is shaded: a loop dies when they cover it. A selected loop is dashed before its birth, pink while\n"
     "alive and grey once filled in."},
    {"barcode",
     "Every component and loop as a bar from its birth (the ε where it appears) to its death (where it\n"
     "merges or is filled in). Long bars are robust features, short ones noise. β0 and β1 count the\n"
     "bars the yellow ε line crosses. Drag the line to change ε; click a bar to see its loop."},
    {"diagram",
     "The same bars as points: birth across, death up. Points far above the diagonal live long; points\n"
     "near it are noise. Points on the ∞ line never die (here, the one component left at the end)."},
    {"distance-matrix",
     "The distance between every two tokens' attention rows: dark is close, bright is far. It is all the\n"
     "topology sees."},
    {"distance-map",
     "How different the diagrams of two heads (or two layers) are: the bottleneck distance is the largest\n"
     "move needed to match their points, a point being allowed to go to the diagonal; Wasserstein adds the\n"
     "moves up. Essential points (death ∞) match only each other; different numbers of them give ∞.\n"
     "Click a cell to see the matching."},
    {"matching",
     "The two diagrams of a clicked cell overlaid: lines join matched points, or a point to the diagonal.\n"
     "The emphasised line is the longest: for the bottleneck distance, it is the distance."},
    {"layers",
     "A summary of each head through the layers (thin lines) and their mean (bold), and beside it how far\n"
     "each layer's diagram is from the next one's: where the topology changes most as the image moves\n"
     "through the network."},
    {"image-b",
     "Compare two images: load image B, and see for every head how far its diagram is from image A's.\n"
     "Click a cell to see that head's two diagrams and their matching."},
};

}  // namespace

std::string_view panel_help(std::string_view id) {
  for (const auto& [key, text] : helps)
    if (key == id) return text;
  return {};
}

}  // namespace vitopo::app
