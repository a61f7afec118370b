#pragma once

#include "rollcall/v1/auth.pb.h"
#include "rollcall/v1/registration.pb.h"

namespace rollcall::services::auth {

// GET /v1/events/EVENT/token: what a token may do, so a kiosk shows only the screens it can use.
// Its role, its scopes (desk tokens only: scopes on other roles grant nothing), the desk its
// scans count for (desk tokens), its name, and the name of every Access token_allows. Nothing
// secret: no hash, no dates.
v1::TokenInfo token_info(const v1::TokenRecord& record);

}  // namespace rollcall::services::auth
