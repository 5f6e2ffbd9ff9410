#pragma once

#include "core/Result.h"

class QAbstractItemView;
class QIODevice;

// File > Export as CSV: every row of a view's model (not only the rows on screen), the shown
// columns in their order, quoted as models/core/Csv does. A paged model (OperationsModel) is
// read page by page as its pages arrive. Returns how many rows were written.
namespace TableExport {
Result<int> write(const QAbstractItemView &view, QIODevice &out);
}
