// 2-D positions of the tokens, for drawing the skeleton.
#pragma once

#include <Eigen/Dense>

#include "core/skeleton.hpp"

namespace vitopo {

// points × 2: column 0 is x (right), column 1 is y (down).
using Layout = Eigen::Matrix<double, Eigen::Dynamic, 2>;

// Patch (r, c) at the centre of its cell, (c + ½, r + ½), so the grid spans
// [0, cols] × [0, rows] like the image. CLS sits above the grid, centred:
// (cols / 2, −1).
Layout patch_grid_layout(const PatchGrid& grid);

// Classical (Torgerson) MDS: the top two eigenvectors of the double-centred
// squared distances, scaled by the square roots of their eigenvalues
// (negative eigenvalues give 0). Signs are fixed so that each axis's largest
// |coordinate| is positive, which makes the layout deterministic.
Layout mds_layout(const Eigen::MatrixXd& distances);

// A deterministic force-directed layout of the skeleton at ε
// (Fruchterman–Reingold 1991): every pair repels, edges with d <= ε attract,
// with a linearly cooling step, starting from the MDS layout. Same input,
// same output, on every platform that rounds like IEEE 754.
Layout force_layout(const Eigen::MatrixXd& distances, double epsilon, int iterations = 200);
// The same from a given start, which must be mds_layout(distances) for the
// same result (a caller that lays out one matrix at many ε computes it once).
Layout force_layout(const Eigen::MatrixXd& distances, double epsilon, const Layout& start, int iterations = 200);

}  // namespace vitopo
