#include "render/gl_program.hpp"

#include <cstdio>
#include <vector>

namespace vitopo::app::render {

namespace {

GLuint compile(GLenum stage, const char* source, const std::string& name) {
  const GLuint shader = glCreateShader(stage);
  glShaderSource(shader, 1, &source, nullptr);
  glCompileShader(shader);
  GLint ok = 0;
  glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
  if (!ok) {
    GLint length = 0;
    glGetShaderiv(shader, GL_INFO_LOG_LENGTH, &length);
    std::vector<char> log(std::size_t(length > 1 ? length : 1));
    glGetShaderInfoLog(shader, GLsizei(log.size()), nullptr, log.data());
    std::fprintf(stderr, "vitopo: the %s shader of %s does not compile: %s\n",
                 stage == GL_VERTEX_SHADER ? "vertex" : "fragment", name.c_str(), log.data());
    glDeleteShader(shader);
    return 0;
  }
  return shader;
}

}  // namespace

Program::Program(const char* vertex_source, const char* fragment_source, const std::string& name) {
  const GLuint vertex = compile(GL_VERTEX_SHADER, vertex_source, name);
  const GLuint fragment = compile(GL_FRAGMENT_SHADER, fragment_source, name);
  if (vertex && fragment) {
    id_ = glCreateProgram();
    glAttachShader(id_, vertex);
    glAttachShader(id_, fragment);
    glLinkProgram(id_);
    GLint ok = 0;
    glGetProgramiv(id_, GL_LINK_STATUS, &ok);
    if (!ok) {
      char log[1024] = {};
      glGetProgramInfoLog(id_, sizeof log, nullptr, log);
      std::fprintf(stderr, "vitopo: the %s program does not link: %s\n", name.c_str(), log);
      glDeleteProgram(id_);
      id_ = 0;
    }
  }
  if (vertex) glDeleteShader(vertex);
  if (fragment) glDeleteShader(fragment);
}

Program::~Program() {
  if (id_) glDeleteProgram(id_);
}

InstanceBuffer::InstanceBuffer(std::size_t stride, std::initializer_list<int> components) : stride_(stride) {
  glGenVertexArrays(1, &vertex_array_);
  glGenBuffers(1, &buffer_);
  glBindVertexArray(vertex_array_);
  glBindBuffer(GL_ARRAY_BUFFER, buffer_);
  GLuint location = 0;
  std::size_t offset = 0;
  for (const int n : components) {
    glEnableVertexAttribArray(location);
    glVertexAttribPointer(location, n, GL_FLOAT, GL_FALSE, GLsizei(stride), reinterpret_cast<void*>(offset));
    glVertexAttribDivisor(location, 1);
    ++location;
    offset += std::size_t(n) * sizeof(float);
  }
  glBindVertexArray(0);
}

InstanceBuffer::~InstanceBuffer() {
  glDeleteBuffers(1, &buffer_);
  glDeleteVertexArrays(1, &vertex_array_);
}

void InstanceBuffer::draw(GLenum mode, GLsizei vertices, const void* data, std::size_t count) const {
  glBindVertexArray(vertex_array_);
  glBindBuffer(GL_ARRAY_BUFFER, buffer_);
  glBufferData(GL_ARRAY_BUFFER, GLsizeiptr(count * stride_), data, GL_STREAM_DRAW);
  glDrawArraysInstanced(mode, 0, vertices, GLsizei(count));
  glBindVertexArray(0);
}

}  // namespace vitopo::app::render
