#include "outlook/bfio_handle.hpp"

#include <cstdio>

namespace ccaudit::outlook {

namespace {

Io*
io(intptr_t* handle)
{
  return reinterpret_cast<Io*>(handle);
}

int
io_free(intptr_t** /*handle*/, libbfio_error_t** /*error*/)
{
  return 1; // the caller's
}

int
io_clone(intptr_t** /*to*/, intptr_t* /*from*/, libbfio_error_t** /*error*/)
{
  return -1;
}

int
io_open(intptr_t* handle, int flags, libbfio_error_t** /*error*/)
{
  if ((flags & LIBBFIO_ACCESS_FLAG_WRITE) != 0) {
    return -1; // the archive is evidence
  }
  io(handle)->open = true;
  return 1;
}

int
io_close(intptr_t* handle, libbfio_error_t** /*error*/)
{
  io(handle)->open = false;
  return 0;
}

ssize_t
io_read(intptr_t* handle, uint8_t* buffer, size_t size, libbfio_error_t** /*error*/)
{
  auto& in = *io(handle);
  try {
    std::size_t got = 0;
    while (got < size) {
      const auto n = in.bytes->read_at(in.position + got, reinterpret_cast<char*>(buffer) + got,
                                       size - got);
      if (n == 0) {
        break;
      }
      got += n;
    }
    in.position += got;
    return static_cast<ssize_t>(got);
  } catch (const std::exception& e) {
    in.error = e.what();
    return -1;
  }
}

ssize_t
io_write(intptr_t* /*handle*/, const uint8_t* /*buffer*/, size_t /*size*/,
         libbfio_error_t** /*error*/)
{
  return -1;
}

off64_t
io_seek(intptr_t* handle, off64_t offset, int whence, libbfio_error_t** /*error*/)
{
  auto& in = *io(handle);
  const auto base = whence == SEEK_SET   ? 0
                    : whence == SEEK_CUR ? static_cast<off64_t>(in.position)
                                         : static_cast<off64_t>(in.size);
  if (offset < -base) {
    return -1;
  }
  in.position = static_cast<std::uint64_t>(base + offset);
  return static_cast<off64_t>(in.position);
}

int
io_exists(intptr_t* /*handle*/, libbfio_error_t** /*error*/)
{
  return 1;
}

int
io_is_open(intptr_t* handle, libbfio_error_t** /*error*/)
{
  return io(handle)->open ? 1 : 0;
}

int
io_get_size(intptr_t* handle, size64_t* size, libbfio_error_t** /*error*/)
{
  *size = io(handle)->size;
  return 1;
}

} // namespace

HandleRef
make_handle(Io& in)
{
  libbfio_handle_t* handle = nullptr;
  if (bfio().libbfio_handle_initialize(&handle, reinterpret_cast<intptr_t*>(&in), io_free,
                                       io_clone, io_open, io_close, io_read, io_write, io_seek,
                                       io_exists, io_is_open, io_get_size,
                                       LIBBFIO_FLAG_IO_HANDLE_NON_MANAGED, nullptr)
      != 1) {
    return HandleRef{};
  }
  return HandleRef{handle};
}

} // namespace ccaudit::outlook
