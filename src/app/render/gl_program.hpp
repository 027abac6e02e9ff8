// A linked GLSL ES 3.00 program from the sources embedded from shaders/.
#pragma once

#include <GLES3/gl3.h>

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

}  // namespace vitopo::app::render
