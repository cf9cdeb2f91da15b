#pragma once
// Splits SQL text into statements with PostgreSQL's own parser (libpg_query, the
// PostgreSQL 15 grammar), the way the server itself would see them. Text the parser
// rejects (a syntax error, or syntax newer than 15) is split at the semicolons of
// PostgreSQL's own scanner instead, so that it still reaches the server, which gives the
// real error.
#include <string_view>
#include <vector>

namespace agentpg::sql {

// What a statement does to the session's transaction, read from its first words (the
// statement's bounds come from the parser, so a word there is a statement's first word).
enum class TransactionControl {
  none,
  begin,     // BEGIN, START TRANSACTION
  commit,    // COMMIT, END (not COMMIT PREPARED)
  rollback,  // ROLLBACK, ABORT (not ROLLBACK TO SAVEPOINT, ROLLBACK PREPARED)
  two_phase, // PREPARE TRANSACTION, COMMIT PREPARED, ROLLBACK PREPARED
};

struct Statement {
  size_t offset = 0;    // into the text
  size_t length = 0;    // includes the ';' and what precedes the next statement
  bool has_sql = false; // false when it holds only blanks, comments and ';'
  TransactionControl control = TransactionControl::none;
  bool copy = false; // a COPY statement (it may wait for data from the client)
};

// The pieces cover the text exactly, in order: concatenated they give it back. The text
// must not contain a NUL byte (the file reader refuses those).
std::vector<Statement> split_statements(std::string_view sql);

// The offset of the first byte at or after `pos` that is not a blank, a ';' or inside a
// comment (-- and nested /* */): where a statement's first word starts.
size_t skip_blanks_and_comments(std::string_view sql, size_t pos);

// True when a statement of `sql` begins, commits or rolls back a transaction itself.
bool has_transaction_control(std::string_view sql);

} // namespace agentpg::sql
