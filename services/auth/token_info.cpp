#include "services/auth/token_info.h"

#include <algorithm>

#include "services/auth/access.h"
#include "services/auth/token_check.h"

namespace rollcall::services::auth {

v1::TokenInfo token_info(const v1::TokenRecord& record) {
  v1::TokenInfo info;
  info.set_role(record.role());
  if (record.role() == v1::desk) {
    for (const int scope : record.scopes()) {
      const bool listed =
          std::find(info.scopes().begin(), info.scopes().end(), scope) != info.scopes().end();
      if (v1::Scope_IsValid(scope) && scope != v1::scope_unspecified && !listed) {
        info.add_scopes(static_cast<v1::Scope>(scope));
      }
    }
    info.set_desk_id(desk_id_of(record));
  }
  info.set_name(record.name());
  for (const auto access : kAllAccess) {
    if (token_allows(record, access)) info.add_allowed(std::string(access_name(access)));
  }
  return info;
}

}  // namespace rollcall::services::auth
