// A linked GLSL ES 3.00 program from the sources embedded from shaders/.
#pragma once

#include <GLES3/gl3.h>

#include <cstddef>
#include <initializer_list>
#include <string>

namespace vitopo::app::render {

class Program {
 public:
  Program() = default;
  // Compiles and links; on failure prints the driver's log (naming `name`)
  // and leaves the program invalid, so the view draws nothing rather than
  // taking the page down.
  Program(const char* vertex_source, const char* fragment_source, const std::string& name);
  Program(const Program&) = delete;
  Program& operator=(const Program&) = delete;
  ~Program();

  bool valid() const { return id_ != 0; }
  GLuint id() const { return id_; }
  GLint uniform(const char* name) const { return glGetUniformLocation(id_, name); }

 private:
  GLuint id_ = 0;
};

// One buffer of instances, each `stride` bytes of floats read as vertex
// attributes 0, 1, …, one per instance, of the given numbers of components.
class InstanceBuffer {
 public:
  InstanceBuffer(std::size_t stride, std::initializer_list<int> components);
  InstanceBuffer(const InstanceBuffer&) = delete;
  InstanceBuffer& operator=(const InstanceBuffer&) = delete;
  ~InstanceBuffer();

  // Uploads `count` instances from `data` and draws `vertices` vertices of
  // `mode` for each, with the program in use.
  void draw(GLenum mode, GLsizei vertices, const void* data, std::size_t count) const;

 private:
  std::size_t stride_;
  GLuint vertex_array_ = 0, buffer_ = 0;
};

}  // namespace vitopo::app::render
